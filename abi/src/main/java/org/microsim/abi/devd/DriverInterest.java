package org.microsim.abi.devd;

import java.util.EnumSet;
import java.util.Set;
import org.microsim.abi.MalformedException;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;

/**
 * How a service asks devd for the driver-available notices (msg 100, {@link DriverAvailable}) of some port
 * classes: it says so in its own port's {@link PortInfo}, and nowhere else.
 *
 * <pre>
 *   class SERVICE, subclass SERVICE_DRIVER_CLIENT, metadata = the wanted classes' codes, one byte each
 *
 *   vfs registers "vfs" {BLOCK, FILESYSTEM} ──▶ kernel port table ──▶ devd (port events) ──▶ msg 100 to "vfs"
 *                                                                      for every driver of those classes,
 *                                                                      now and as they come back
 * </pre>
 *
 * Why the port and not a request to devd: devd sees every port the kernel has, so the wish lives in the kernel's
 * port table, the one place no crash loses. A restarted devd finds every subscriber again the way it finds every
 * device, and a restarted subscriber asks anew just by registering its port (and is forgotten when its port
 * closes). A subscription held in devd's memory would die with devd, and its subscribers would never know.
 */
public record DriverInterest(Set<PortClass> classes) {
    /** Checks and copies. */
    public DriverInterest {
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("a driver interest names at least one port class");
        }
        classes = Set.copyOf(EnumSet.copyOf(classes));
    }

    /** The PortInfo of a service port {@code name} that carries this interest. */
    public PortInfo port(String name) {
        byte[] codes = new byte[classes.size()];
        int i = 0;
        for (PortClass c : EnumSet.copyOf(classes)) {
            codes[i++] = (byte) c.code();
        }
        return new PortInfo(name, PortClass.SERVICE, PortSubclass.SERVICE_DRIVER_CLIENT, "", 0, 0, 0, codes);
    }

    /**
     * The interest a port states, or null when it states none (not a driver client).
     *
     * @throws MalformedException when the port says it is a driver client but its metadata names no class, or
     *                            a code that is no port class
     */
    public static DriverInterest of(PortInfo info) throws MalformedException {
        if (info.portClass() != PortClass.SERVICE || info.subclass() != PortSubclass.SERVICE_DRIVER_CLIENT) {
            return null;
        }
        byte[] codes = info.metadata();
        if (codes.length == 0) {
            throw new MalformedException("driver client port " + info.name() + " names no port class");
        }
        Set<PortClass> classes = EnumSet.noneOf(PortClass.class);
        for (byte code : codes) {
            classes.add(PortClass.fromCode(Byte.toUnsignedInt(code)));
        }
        return new DriverInterest(classes);
    }
}
