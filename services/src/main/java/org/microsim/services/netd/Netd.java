package org.microsim.services.netd;

import java.util.Set;
import org.microsim.abi.Handle;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.PortSet;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;
import org.microsim.abi.devd.DriverInterest;

/**
 * The network service: an IPv4 stack over every Ethernet port a driver serves ({@code eth0:}, a switch's {@code
 * sw0:}..), on the public port {@value #PORT_NAME} with the network protocol ({@link
 * org.microsim.abi.net.NetRequest}). What it does is {@link NetdServer}'s and {@link Stack}'s; this is the task
 * around them.
 *
 * <p>Its port asks devd for NETWORK drivers ({@link DriverInterest}), as the VFS asks for block and filesystem
 * ones: devd sends msg 100 for each driver port there is, also to a netd that restarted, which so finds every
 * interface again and starts DHCP on each. Drivers' events come on a second, private port, with room for bursts.
 */
public final class Netd implements Program {
    /** The public port's name. */
    public static final String PORT_NAME = "netd";
    private static final int QUEUE = 256;
    private static final int EVENTS = 1024;

    @Override
    public void run(Sys sys) {
        Handle port = sys.registerPort(new DriverInterest(Set.of(PortClass.NETWORK)).port(PORT_NAME),
                new PortOptions(QUEUE, true)).orThrow();
        Handle events = sys.registerPort(PortInfo.of("netd:events", PortClass.SERVICE, PortSubclass.SERVICE_GENERIC),
                new PortOptions(EVENTS, false)).orThrow();
        Server.serve(sys, new NetdServer(sys, events), PortSet.of(port, events));
    }
}
