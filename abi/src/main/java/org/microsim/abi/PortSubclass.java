package org.microsim.abi;

/**
 * The {@code port_subclass} codes of the seed design. A subclass only means something together with its
 * {@link PortClass}: block subclasses are partition types (the MBR type byte where one exists), storage
 * controller and USB subclasses follow the PCI class code's subclass / prog-if.
 */
public final class PortSubclass {
    private PortSubclass() {
    }

    // Block: a whole disk, then partition types.
    public static final int BLOCK_RAW = 0x00;
    public static final int BLOCK_FAT12 = 0x01;
    public static final int BLOCK_FAT16_SMALL = 0x04;
    public static final int BLOCK_EXTENDED = 0x05;
    public static final int BLOCK_FAT16 = 0x06;
    public static final int BLOCK_NTFS = 0x07;
    public static final int BLOCK_FAT32 = 0x0b;
    public static final int BLOCK_FAT32_LBA = 0x0c;
    public static final int BLOCK_FAT16_LBA = 0x0e;
    public static final int BLOCK_EXTENDED_LBA = 0x0f;
    public static final int BLOCK_LINUX_SWAP = 0x82;
    public static final int BLOCK_LINUX = 0x83;
    public static final int BLOCK_GPT_PROTECTIVE = 0xee;
    public static final int BLOCK_EFI_SYSTEM = 0xef;
    /** A partition whose type the partition table names but this system does not know. */
    public static final int BLOCK_UNKNOWN = 0xff;

    // Storage controllers (PCI class 01, subclass).
    public static final int STORAGE_IDE = 0x01;
    public static final int STORAGE_AHCI = 0x06;
    public static final int STORAGE_NVME = 0x08;

    // USB (PCI class 0c/03, prog-if) and USB functions.
    public static final int USB_UHCI = 0x00;
    public static final int USB_EHCI = 0x20;
    public static final int USB_XHCI = 0x30;
    public static final int USB_HUB = 0x09;
    /**
     * USB mass storage: the interface class of a stick, and also the subclass of the whole-disk Block port usbd
     * serves for one ({@code msc0:}), which is a disk like {@link #BLOCK_RAW} (see {@link #isWholeDisk}).
     */
    public static final int USB_MASS_STORAGE = 0x08;

    // Network.
    public static final int NET_ETHERNET = 0x00;
    public static final int NET_WIFI = 0x01;
    public static final int NET_SWITCH_PORT = 0x02;

    // Bus.
    public static final int BUS_PCIE_ROOT = 0x00;

    // Services.
    public static final int SERVICE_GENERIC = 0x00;
    /** A service that wants devd's notices of the driver classes its metadata lists: see DriverInterest. */
    public static final int SERVICE_DRIVER_CLIENT = 0x01;

    /** Matches any subclass in a devd rule; never a real subclass on the wire. */
    public static final int ANY = -1;

    /** True for the block subclasses of a whole disk, partitioned or not: a SATA disk's or a USB stick's. */
    public static boolean isWholeDisk(int blockSubclass) {
        return blockSubclass == BLOCK_RAW || blockSubclass == USB_MASS_STORAGE;
    }

    /** True for the block subclasses a FAT driver serves. */
    public static boolean isFat(int blockSubclass) {
        return switch (blockSubclass) {
            case BLOCK_FAT12, BLOCK_FAT16_SMALL, BLOCK_FAT16, BLOCK_FAT32, BLOCK_FAT32_LBA, BLOCK_FAT16_LBA -> true;
            default -> false;
        };
    }
}
