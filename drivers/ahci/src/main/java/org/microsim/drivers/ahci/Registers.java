package org.microsim.drivers.ahci;

/**
 * The AHCI 1.3.1 register map this driver uses, written from the specification (section 3): the generic
 * host control registers at the start of the ABAR, then one 0x80-byte block per port from 0x100, and the
 * ATA command opcodes (ATA8-ACS) the driver sends.
 */
final class Registers {
    private Registers() {
    }

    /** The ABAR is PCI BAR 5. */
    static final int ABAR = 5;

    // Generic host control (3.1).
    static final int CAP = 0x00;
    static final int GHC = 0x04;
    static final int IS = 0x08;
    static final int PI = 0x0c;

    static final int CAP_NCS_SHIFT = 8;
    static final int CAP_NCS_MASK = 0x1f;
    static final int CAP_SCLO = 1 << 24;
    static final int CAP_S64A = 1 << 31;

    static final int GHC_HR = 1;
    static final int GHC_IE = 1 << 1;
    static final int GHC_AE = 1 << 31;

    // Port registers (3.3), relative to the port's block.
    static final int PORT_BASE = 0x100;
    static final int PORT_SIZE = 0x80;
    static final int PX_CLB = 0x00;
    static final int PX_CLBU = 0x04;
    static final int PX_FB = 0x08;
    static final int PX_FBU = 0x0c;
    static final int PX_IS = 0x10;
    static final int PX_IE = 0x14;
    static final int PX_CMD = 0x18;
    static final int PX_TFD = 0x20;
    static final int PX_SIG = 0x24;
    static final int PX_SSTS = 0x28;
    static final int PX_SCTL = 0x2c;
    static final int PX_SERR = 0x30;
    static final int PX_CI = 0x38;

    static final int IS_DHRS = 1;
    static final int IS_PSS = 1 << 1;
    static final int IS_DSS = 1 << 2;
    static final int IS_SDBS = 1 << 3;
    static final int IS_UFS = 1 << 4;
    static final int IS_DPS = 1 << 5;
    static final int IS_OFS = 1 << 24;
    static final int IS_INFS = 1 << 26;
    static final int IS_IFS = 1 << 27;
    static final int IS_HBDS = 1 << 28;
    static final int IS_HBFS = 1 << 29;
    static final int IS_TFES = 1 << 30;
    /** The errors after which the port stops processing commands until software restarts it (6.2.2). */
    static final int IS_FATAL = IS_TFES | IS_HBFS | IS_HBDS | IS_IFS | IS_OFS;
    /** What the driver asks to be interrupted for: completions and every error. */
    static final int IE_ENABLED = IS_DHRS | IS_PSS | IS_DSS | IS_SDBS | IS_UFS | IS_DPS | IS_INFS | IS_FATAL;

    static final int CMD_ST = 1;
    static final int CMD_CLO = 1 << 3;
    static final int CMD_FRE = 1 << 4;
    static final int CMD_CCS_SHIFT = 8;
    static final int CMD_CCS_MASK = 0x1f;
    static final int CMD_FR = 1 << 14;
    static final int CMD_CR = 1 << 15;

    static final int TFD_DRQ = 0x08;
    static final int TFD_BSY = 0x80;

    static final int SSTS_DET_MASK = 0xf;
    static final int SSTS_DET_PRESENT = 3;
    static final int SCTL_DET_COMRESET = 1;
    static final int SIG_ATA = 0x0000_0101;

    // Command list and table layout (4.2).
    static final int COMMAND_LIST_BYTES = 32 * 32;
    static final int RECEIVED_FIS_BYTES = 256;
    static final int HEADER_BYTES = 32;
    static final int TABLE_PRDT = 0x80;
    static final int PRD_BYTES = 16;
    /** The most bytes one PRDT entry describes (its DBC field is 22 bits, count minus one). */
    static final int PRD_MAX = 4 << 20;

    // ATA commands.
    static final int ATA_IDENTIFY = 0xec;
    static final int ATA_READ_DMA_EXT = 0x25;
    static final int ATA_WRITE_DMA_EXT = 0x35;
    static final int ATA_FLUSH_CACHE_EXT = 0xea;
    /** READ/WRITE DMA EXT move at most 65536 sectors (a count of 0 means 65536). */
    static final int ATA_MAX_SECTORS = 65536;
    static final int SECTOR = 512;
}
