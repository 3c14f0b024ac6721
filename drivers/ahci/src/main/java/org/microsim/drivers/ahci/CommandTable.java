package org.microsim.drivers.ahci;

import static org.microsim.drivers.ahci.Registers.PRD_BYTES;
import static org.microsim.drivers.ahci.Registers.PRD_MAX;
import static org.microsim.drivers.ahci.Registers.TABLE_PRDT;

import org.microsim.abi.DmaBuffer;

/**
 * Lays out a command table (AHCI 1.3.1 section 4.2.3): the command FIS at offset 0, here always a
 * Register Host-to-Device FIS (SATA 1.0a 10.3.4), and from 0x80 the PRDT, which splits a data buffer into
 * entries of at most {@link Registers#PRD_MAX} bytes, each an even count (the byte count minus one is
 * stored, with bit 0 always set).
 */
final class CommandTable {
    private static final int FIS_H2D = 0x27;
    private static final int FIS_COMMAND = 0x80;
    private static final int DEVICE_LBA = 0x40;
    private static final int FIS_BYTES = 20;

    private CommandTable() {
    }

    /** Bytes of a table whose PRDT holds {@code entries} entries, rounded to the 128-byte alignment CTBA needs. */
    static int size(int entries) {
        return (TABLE_PRDT + entries * PRD_BYTES + 127) & ~127;
    }

    /** PRDT entries needed for {@code bytes} of data. */
    static int entries(int bytes) {
        return (int) ((bytes + (long) PRD_MAX - 1) / PRD_MAX);
    }

    /**
     * Writes {@code command} into the table at {@code at} in {@code tables}, with its data at physical address
     * {@code data}; returns the PRDT length for the command header.
     */
    static int write(DmaBuffer tables, int at, Command command, long data) {
        byte[] fis = new byte[FIS_BYTES];
        fis[0] = (byte) FIS_H2D;
        fis[1] = (byte) FIS_COMMAND;
        fis[2] = (byte) command.opcode();
        long lba = command.lba();
        fis[4] = (byte) lba;
        fis[5] = (byte) (lba >>> 8);
        fis[6] = (byte) (lba >>> 16);
        fis[7] = (byte) (command.opcode() == Registers.ATA_IDENTIFY ? 0 : DEVICE_LBA);
        fis[8] = (byte) (lba >>> 24);
        fis[9] = (byte) (lba >>> 32);
        fis[10] = (byte) (lba >>> 40);
        // 65536 sectors is encoded as 0, which the truncation to 16 bits does.
        fis[12] = (byte) command.sectors();
        fis[13] = (byte) (command.sectors() >>> 8);
        tables.clear(at, TABLE_PRDT);
        tables.write(at, fis, 0, FIS_BYTES);
        int entries = entries(command.bytes());
        for (int i = 0; i < entries; i++) {
            int offset = i * PRD_MAX;
            int length = Math.min(PRD_MAX, command.bytes() - offset);
            int entry = at + TABLE_PRDT + i * PRD_BYTES;
            tables.putLong(entry, data + offset);
            tables.putInt(entry + 8, 0);
            tables.putInt(entry + 12, (length - 1) | 1);
        }
        return entries;
    }
}
