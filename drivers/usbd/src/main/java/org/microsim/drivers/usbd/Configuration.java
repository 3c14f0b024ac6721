package org.microsim.drivers.usbd;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.MalformedException;

/**
 * A configuration descriptor and what follows it (USB 2.0 9.6.3-9.6.6), parsed strictly: every descriptor's
 * length must fit, the total must be what the header says, and the endpoints must belong to an interface. A
 * device that describes itself badly is left alone with the reason, never trusted with a half-read layout.
 */
record Configuration(int value, List<Interface> interfaces) {
    /** An interface (alternate setting 0) and its endpoints. */
    record Interface(int number, int interfaceClass, int subclass, int protocol, List<Endpoint> endpoints) {
        /** The first endpoint of this transfer type (2 bulk, 3 interrupt) and direction. */
        Endpoint endpoint(int type, boolean in) {
            return endpoints.stream().filter(e -> e.type() == type && e.in() == in).findFirst().orElse(null);
        }
    }

    /** An endpoint: its address (bit 7 IN), transfer type, max packet size and interval. */
    record Endpoint(int address, int type, int maxPacket, int interval) {
        boolean in() {
            return (address & 0x80) != 0;
        }

        /** Its Device Context Index: 2 per endpoint number, plus 1 for IN. */
        int dci() {
            return 2 * (address & 0xf) + (in() ? 1 : 0);
        }
    }

    static Configuration parse(byte[] d) throws MalformedException {
        if (d.length < 9 || (d[0] & 0xff) < 9 || d[1] != 2) {
            throw new MalformedException("the configuration descriptor is not one");
        }
        int total = Fields.le16(d, 2);
        if (total != d.length) {
            throw new MalformedException("the configuration says " + total + " bytes, " + d.length + " came");
        }
        List<Interface> interfaces = new ArrayList<>();
        List<Endpoint> endpoints = null;
        int[] current = null;
        int at = d[0] & 0xff;
        while (at < d.length) {
            int length = d[at] & 0xff;
            if (length < 2 || at + length > d.length) {
                throw new MalformedException("a descriptor at byte " + at + " has length " + length);
            }
            int type = d[at + 1] & 0xff;
            if (type == 4) {
                if (length < 9) {
                    throw new MalformedException("an interface descriptor of " + length + " bytes");
                }
                if (current != null) {
                    interfaces.add(new Interface(current[0], current[1], current[2], current[3], List.copyOf(endpoints)));
                }
                boolean alternate = (d[at + 3] & 0xff) != 0;
                current = alternate ? null : new int[] {d[at + 2] & 0xff, d[at + 5] & 0xff, d[at + 6] & 0xff,
                        d[at + 7] & 0xff};
                endpoints = new ArrayList<>();
            } else if (type == 5) {
                if (length < 7) {
                    throw new MalformedException("an endpoint descriptor of " + length + " bytes");
                }
                if (endpoints == null) {
                    throw new MalformedException("an endpoint outside any interface");
                }
                int address = d[at + 2] & 0xff;
                int maxPacket = Fields.le16(d, at + 4) & 0x7ff;
                if ((address & 0xf) == 0 || maxPacket == 0) {
                    throw new MalformedException("endpoint " + address + " has max packet " + maxPacket);
                }
                if (current != null) {
                    endpoints.add(new Endpoint(address, d[at + 3] & 0x3, maxPacket, d[at + 6] & 0xff));
                }
            }
            at += length;
        }
        if (current != null) {
            interfaces.add(new Interface(current[0], current[1], current[2], current[3], List.copyOf(endpoints)));
        }
        return new Configuration(d[5] & 0xff, List.copyOf(interfaces));
    }
}
