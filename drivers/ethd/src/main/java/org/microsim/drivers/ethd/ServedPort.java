package org.microsim.drivers.ethd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.Handle;
import org.microsim.abi.TaskId;
import org.microsim.abi.net.EthRequest;

/**
 * A port ethd serves: the NIC's own {@code eth<n>:}, or a user port {@code sw<n>:} of the switch behind it, with
 * its clients, link and counters.
 */
final class ServedPort {
    /** The NIC's own port, in {@link #switchPort}. */
    static final int NIC = -1;

    final String name;
    final Handle handle;
    /** The port's own address: the NIC's, or one of the switch port's own (see {@link Ethd#portMac}). */
    final long mac;
    /** Which user port of the switch this is, or {@link #NIC}. */
    final int switchPort;
    final Map<TaskId, Subscriber> subscribers = new LinkedHashMap<>();
    boolean linkUp;
    /** The largest payload of the port's frames (SET_MTU); a restarted driver starts again from the default. */
    int mtu = EthRequest.DEFAULT_MTU;
    long rxFrames;
    long txFrames;
    /** What this port's clients asked of the receive filter (SET_FILTER). */
    boolean promiscuous;
    boolean allMulticast;
    List<Long> groups = List.of();

    ServedPort(String name, Handle handle, int switchPort, long mac) {
        this.name = name;
        this.handle = handle;
        this.mac = mac;
        this.switchPort = switchPort;
    }
}
