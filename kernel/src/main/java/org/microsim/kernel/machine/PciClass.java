package org.microsim.kernel.machine;

import java.util.Optional;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortSubclass;

/**
 * The PCI class codes (class / subclass / prog-if) of the functions this machine models, with what each
 * means to the rest of the system: the port class and subclass the kernel registers, the short kind in the
 * port name, and lspci's description.
 */
enum PciClass {
    AHCI(0x01, 0x06, 0x01, PortClass.STORAGE_CONTROLLER, PortSubclass.STORAGE_AHCI, "ahci", "SATA controller"),
    XHCI(0x0c, 0x03, 0x30, PortClass.USB, PortSubclass.USB_XHCI, "usb", "USB controller"),
    ETHERNET(0x02, 0x00, 0x00, PortClass.NETWORK, PortSubclass.NET_ETHERNET, "eth", "Ethernet controller");

    private final int baseClass;
    private final int subclass;
    private final int progIf;
    private final PortClass portClass;
    private final int portSubclass;
    private final String kind;
    private final String description;

    PciClass(int baseClass, int subclass, int progIf, PortClass portClass, int portSubclass, String kind,
             String description) {
        this.baseClass = baseClass;
        this.subclass = subclass;
        this.progIf = progIf;
        this.portClass = portClass;
        this.portSubclass = portSubclass;
        this.kind = kind;
        this.description = description;
    }

    /** The class code triple. */
    public int baseClass() {
        return baseClass;
    }

    /** The subclass byte. */
    public int subclass() {
        return subclass;
    }

    /** The programming interface byte. */
    public int progIf() {
        return progIf;
    }

    /** The port class the kernel registers. */
    public PortClass portClass() {
        return portClass;
    }

    /** The port subclass the kernel registers. */
    public int portSubclass() {
        return portSubclass;
    }

    /** The suffix of the port name: {@code ahci}, {@code usb}, {@code eth}. */
    public String kind() {
        return kind;
    }

    /** lspci's words for the class. */
    public String description() {
        return description;
    }

    /** The class with these codes, if this machine models one. Ethernet matches any prog-if, as lspci does. */
    public static Optional<PciClass> of(int baseClass, int subclass, int progIf) {
        for (PciClass c : values()) {
            if (c.baseClass == baseClass && c.subclass == subclass && (c.progIf == progIf || c == ETHERNET)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
