package org.microsim.drivers.partd;

import java.util.UUID;
import org.microsim.abi.PortSubclass;

/**
 * GPT partition type GUIDs (UEFI 2.x and the de-facto registry the Linux tools share): which port subclass
 * each gets and what {@code lsblk} calls it. Microsoft basic data says only "a Windows filesystem", so its
 * subclass is decided by {@link FatSniffer} from the partition's first sector. The types a table writer
 * (images' PartitionWriter) needs are public, so that what it writes is what this reader knows.
 */
public final class GptTypes {
    private GptTypes() {
    }

    public static final UUID EFI_SYSTEM = UUID.fromString("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    public static final UUID BASIC_DATA = UUID.fromString("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7");
    public static final UUID LINUX_FILESYSTEM = UUID.fromString("0FC63DAF-8483-4772-8E79-3D69D8477DE4");
    static final UUID LINUX_SWAP = UUID.fromString("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F");
    static final UUID LINUX_HOME = UUID.fromString("933AC7E1-2EB4-4F13-B844-0E14E2AEF915");
    static final UUID LINUX_ROOT_X86_64 = UUID.fromString("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709");
    static final UUID LINUX_LVM = UUID.fromString("E6D6D379-F507-44C2-A23C-238F2A3DF928");
    static final UUID LINUX_RAID = UUID.fromString("A19D880F-05FC-4D3B-A006-743F0F84911E");
    static final UUID BIOS_BOOT = UUID.fromString("21686148-6449-6E6F-744E-656564454649");
    static final UUID MICROSOFT_RESERVED = UUID.fromString("E3C9E316-0B5C-4DB8-817D-F92DF00215AE");

    /**
     * True when the type does not say which filesystem the partition holds, so its first sector decides
     * ({@link FatSniffer}): basic data, EFI System (FAT by the UEFI specification, or not yet formatted) and
     * Linux filesystem data (any filesystem, FAT included).
     */
    static boolean needsSniffing(UUID type) {
        return type.equals(BASIC_DATA) || type.equals(EFI_SYSTEM) || type.equals(LINUX_FILESYSTEM);
    }

    /** The subclass for a type; {@link PortSubclass#BLOCK_UNKNOWN} for basic data until it is sniffed. */
    static int subclass(UUID type) {
        if (type.equals(EFI_SYSTEM)) {
            return PortSubclass.BLOCK_EFI_SYSTEM;
        }
        if (type.equals(LINUX_FILESYSTEM) || type.equals(LINUX_HOME) || type.equals(LINUX_ROOT_X86_64)) {
            return PortSubclass.BLOCK_LINUX;
        }
        if (type.equals(LINUX_SWAP)) {
            return PortSubclass.BLOCK_LINUX_SWAP;
        }
        return PortSubclass.BLOCK_UNKNOWN;
    }

    static String name(UUID type) {
        if (type.equals(EFI_SYSTEM)) {
            return "EFI System";
        } else if (type.equals(BASIC_DATA)) {
            return "Microsoft basic data";
        } else if (type.equals(LINUX_FILESYSTEM)) {
            return "Linux filesystem";
        } else if (type.equals(LINUX_SWAP)) {
            return "Linux swap";
        } else if (type.equals(LINUX_HOME)) {
            return "Linux home";
        } else if (type.equals(LINUX_ROOT_X86_64)) {
            return "Linux root (x86-64)";
        } else if (type.equals(LINUX_LVM)) {
            return "Linux LVM";
        } else if (type.equals(LINUX_RAID)) {
            return "Linux RAID";
        } else if (type.equals(BIOS_BOOT)) {
            return "BIOS boot";
        } else if (type.equals(MICROSOFT_RESERVED)) {
            return "Microsoft reserved";
        }
        return "Unknown (" + new PartitionType.Gpt(type) + ")";
    }

    /** A GUID as GPT stores it: the first three fields little-endian, the last eight bytes in order. */
    static UUID guid(byte[] b, int at) {
        long d1 = Bytes.u32(b, at);
        long d2 = Bytes.u16(b, at + 4);
        long d3 = Bytes.u16(b, at + 6);
        long low = 0;
        for (int i = 8; i < 16; i++) {
            low = low << 8 | (b[at + i] & 0xff);
        }
        return new UUID(d1 << 32 | d2 << 16 | d3, low);
    }
}
