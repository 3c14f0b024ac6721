package org.microsim.drivers.partd;

import org.microsim.abi.PortSubclass;

/**
 * MBR partition type bytes: which port subclass each gets and what {@code lsblk} calls it. The block
 * subclasses are the MBR type bytes themselves for the types this system knows; every other byte is
 * {@link PortSubclass#BLOCK_UNKNOWN}, named by its hex value. What a table writer (images' PartitionWriter)
 * must agree on with this reader is public.
 */
public final class MbrTypes {
    private MbrTypes() {
    }

    static final int EMPTY = 0x00;
    static final int LINUX_EXTENDED = 0x85;
    public static final int GPT_PROTECTIVE = 0xee;

    /** True for the container types whose EBR chain holds logical partitions. */
    public static boolean isExtended(int type) {
        return type == PortSubclass.BLOCK_EXTENDED || type == PortSubclass.BLOCK_EXTENDED_LBA || type == LINUX_EXTENDED;
    }

    /** True for the types whose first sector says more than the type does: EFI System (0xEF), Linux (0x83). */
    static boolean needsSniffing(int type) {
        return type == PortSubclass.BLOCK_EFI_SYSTEM || type == PortSubclass.BLOCK_LINUX;
    }

    static int subclass(int type) {
        return switch (type) {
            case PortSubclass.BLOCK_FAT12, PortSubclass.BLOCK_FAT16_SMALL, PortSubclass.BLOCK_FAT16,
                 PortSubclass.BLOCK_NTFS, PortSubclass.BLOCK_FAT32, PortSubclass.BLOCK_FAT32_LBA,
                 PortSubclass.BLOCK_FAT16_LBA, PortSubclass.BLOCK_LINUX_SWAP, PortSubclass.BLOCK_LINUX,
                 PortSubclass.BLOCK_EFI_SYSTEM, PortSubclass.BLOCK_EXTENDED, PortSubclass.BLOCK_EXTENDED_LBA -> type;
            case LINUX_EXTENDED -> PortSubclass.BLOCK_EXTENDED;
            default -> PortSubclass.BLOCK_UNKNOWN;
        };
    }

    static String name(int type) {
        return switch (type) {
            case 0x01 -> "FAT12";
            case 0x04 -> "FAT16 <32M";
            case 0x05 -> "Extended";
            case 0x06 -> "FAT16";
            case 0x07 -> "NTFS/exFAT";
            case 0x0b -> "FAT32";
            case 0x0c -> "FAT32 (LBA)";
            case 0x0e -> "FAT16 (LBA)";
            case 0x0f -> "Extended (LBA)";
            case 0x82 -> "Linux swap";
            case 0x83 -> "Linux";
            case 0x85 -> "Linux extended";
            case 0x8e -> "Linux LVM";
            case 0xee -> "GPT protective";
            case 0xef -> "EFI System";
            case 0xfd -> "Linux RAID";
            default -> String.format("Unknown (0x%02x)", type);
        };
    }
}
