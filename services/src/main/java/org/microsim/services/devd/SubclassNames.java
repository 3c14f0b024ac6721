package org.microsim.services.devd;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortSubclass;

/** The words rules use for subclasses, per class: the {@link PortSubclass} constants, in lower case. */
final class SubclassNames {
    private static final Map<PortClass, Map<String, Integer>> BY_NAME = new HashMap<>();
    private static final Map<PortClass, Map<Integer, String>> BY_CODE = new HashMap<>();

    static {
        name(PortClass.BLOCK, "raw", PortSubclass.BLOCK_RAW);
        name(PortClass.BLOCK, "fat12", PortSubclass.BLOCK_FAT12);
        name(PortClass.BLOCK, "fat16_small", PortSubclass.BLOCK_FAT16_SMALL);
        name(PortClass.BLOCK, "extended", PortSubclass.BLOCK_EXTENDED);
        name(PortClass.BLOCK, "fat16", PortSubclass.BLOCK_FAT16);
        name(PortClass.BLOCK, "ntfs", PortSubclass.BLOCK_NTFS);
        name(PortClass.BLOCK, "fat32", PortSubclass.BLOCK_FAT32);
        name(PortClass.BLOCK, "fat32_lba", PortSubclass.BLOCK_FAT32_LBA);
        name(PortClass.BLOCK, "fat16_lba", PortSubclass.BLOCK_FAT16_LBA);
        name(PortClass.BLOCK, "extended_lba", PortSubclass.BLOCK_EXTENDED_LBA);
        name(PortClass.BLOCK, "linux_swap", PortSubclass.BLOCK_LINUX_SWAP);
        name(PortClass.BLOCK, "linux", PortSubclass.BLOCK_LINUX);
        name(PortClass.BLOCK, "gpt_protective", PortSubclass.BLOCK_GPT_PROTECTIVE);
        name(PortClass.BLOCK, "efi_system", PortSubclass.BLOCK_EFI_SYSTEM);
        name(PortClass.BLOCK, "unknown", PortSubclass.BLOCK_UNKNOWN);
        name(PortClass.BLOCK, "usb_msc", PortSubclass.USB_MASS_STORAGE);
        name(PortClass.STORAGE_CONTROLLER, "ide", PortSubclass.STORAGE_IDE);
        name(PortClass.STORAGE_CONTROLLER, "ahci", PortSubclass.STORAGE_AHCI);
        name(PortClass.STORAGE_CONTROLLER, "nvme", PortSubclass.STORAGE_NVME);
        name(PortClass.USB, "uhci", PortSubclass.USB_UHCI);
        name(PortClass.USB, "ehci", PortSubclass.USB_EHCI);
        name(PortClass.USB, "xhci", PortSubclass.USB_XHCI);
        name(PortClass.USB, "hub", PortSubclass.USB_HUB);
        name(PortClass.USB, "mass_storage", PortSubclass.USB_MASS_STORAGE);
        name(PortClass.NETWORK, "ethernet", PortSubclass.NET_ETHERNET);
        name(PortClass.NETWORK, "wifi", PortSubclass.NET_WIFI);
        name(PortClass.NETWORK, "switch_port", PortSubclass.NET_SWITCH_PORT);
        name(PortClass.BUS, "pcie_root", PortSubclass.BUS_PCIE_ROOT);
        name(PortClass.SERVICE, "generic", PortSubclass.SERVICE_GENERIC);
        name(PortClass.SERVICE, "driver_client", PortSubclass.SERVICE_DRIVER_CLIENT);
    }

    private SubclassNames() {
    }

    private static void name(PortClass c, String word, int code) {
        BY_NAME.computeIfAbsent(c, k -> new HashMap<>()).put(word, code);
        BY_CODE.computeIfAbsent(c, k -> new HashMap<>()).put(code, word);
    }

    /** The code a word names in a class, or null. */
    static Integer code(PortClass c, String word) {
        return BY_NAME.getOrDefault(c, Map.of()).get(word.toLowerCase(Locale.ROOT));
    }

    /** The word for a code in a class, or {@code 0x..} when the class has none for it. */
    static String word(PortClass c, int code) {
        String word = c == null ? null : BY_CODE.getOrDefault(c, Map.of()).get(code);
        return word != null ? word : String.format("0x%02x", code);
    }

    /** The lower-case word of a class: {@code storage_controller}. */
    static String className(PortClass c) {
        return c.name().toLowerCase(Locale.ROOT);
    }
}
