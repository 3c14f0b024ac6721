package org.microsim.drivers.ethd;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.Mmio;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.PortSet;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Result;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;

/**
 * The Ethernet driver: one task per e1000 NIC, serving the NIC as a port of class Network, and the user ports of a
 * MediaTek switch behind it as ports of their own, all with the Ethernet protocol ({@link
 * org.microsim.abi.net.EthRequest}).
 *
 * <h2>Start-up</h2>
 * Start handle 0 is the NIC's device port ({@code 00:03.0:eth}, which devd passes). The driver maps BAR 0, binds
 * the NIC's interrupt to a private port, and resets and brings up the NIC ({@link Nic}). It registers {@code
 * eth<n>:} with n the NIC's place among the NICs on the bus (the PCI port's metadata), or the next free one
 * (class Network, subclass NET_ETHERNET, the PCI function as parent, its vendor and device, caps DMA, the MAC as
 * metadata). Then it looks for a switch on the NIC's MDIO bus ({@link
 * SwitchChip}); when there is one it turns the special tag on and registers {@code sw<n>:} for each user port, as
 * the port-enumeration design shows: class Network, subclass NET_SWITCH_PORT, parent {@code eth<n>:}, vendor
 * 0x4d54 and device 0x7531, caps INTERNAL, the port number as metadata; each port has an address of its own
 * ({@link #portMac}), which the NIC's receive filter takes. devd's default rules give switch ports
 * no driver; the network service binds to all of them.
 *
 * <h2>Restarts</h2>
 * A restarted ethd resets the NIC and registers its ports again. Its clients' subscriptions died with it: they
 * hear of the new ports from devd, as they heard of the first ones, and subscribe again.
 */
public final class Ethd implements Program {
    /** The vendor a switch port reports: "MT" in ASCII, as the design's example. */
    public static final int SWITCH_VENDOR = 0x4d54;
    public static final int SWITCH_DEVICE = 0x7531;
    private static final int MAX_NAMES = 64;

    @Override
    public void run(Sys sys) {
        Handle device = sys.start().handle(0);
        if (device == null) {
            sys.log("ethd: started without a device handle; nothing to do");
            return;
        }
        HandleInfo pci = sys.inspect(device).orThrow();
        Result<Mmio> bar = sys.mapBar(device, 0);
        if (!bar.isOk()) {
            sys.log("ethd: " + pci.portName() + ": BAR 0 cannot be mapped: " + bar.errorOrNull());
            return;
        }
        Handle irq = sys.registerPort(PortInfo.of("ethd:" + pci.portName() + ":irq", PortClass.SERVICE,
                PortSubclass.SERVICE_GENERIC), PortOptions.PRIVATE).orThrow();
        sys.bindIrq(device, irq).orThrow();
        Nic nic;
        try {
            nic = Nic.start(sys, bar.orThrow());
        } catch (NicException e) {
            sys.log("ethd: " + pci.portName() + ": " + e.getMessage());
            return;
        }
        byte[] mac = macBytes(nic.mac());
        PortInfo device0 = pci.info();
        int first = device0 != null && device0.metadata().length == 1 ? device0.metadata()[0] & 0xff : 0;
        ServedPort eth = register(sys, "eth", first, n -> new PortInfo("eth" + n + ":", PortClass.NETWORK,
                PortSubclass.NET_ETHERNET, pci.portName(), device0 == null ? 0 : device0.vendorId(),
                device0 == null ? 0 : device0.deviceId(), PortCaps.DMA, mac), ServedPort.NIC, nic.mac());
        SwitchChip chip = SwitchChip.probe(nic);
        List<ServedPort> user = new ArrayList<>();
        if (chip != null) {
            for (int p = 0; p < chip.userPorts(); p++) {
                int port = p;
                user.add(register(sys, "sw", 0, n -> new PortInfo("sw" + n + ":", PortClass.NETWORK,
                        PortSubclass.NET_SWITCH_PORT, eth.name + ":", SWITCH_VENDOR, SWITCH_DEVICE, PortCaps.INTERNAL,
                        new byte[] {(byte) port}), port, portMac(nic.mac(), port)));
                nic.receiveAddress(1 + port, portMac(nic.mac(), port));
            }
        }
        sys.log("ethd: " + eth.name + " " + macText(nic.mac()) + " on " + pci.portName() + ", link "
                + (nic.linkUp() ? "up" : "down") + (chip == null ? "" : ", MT7531 switch with "
                + chip.userPorts() + " ports (" + user.getFirst().name + ".." + user.getLast().name + ")"));
        PortSet ports = PortSet.of(irq);
        ports.add(eth.handle);
        user.forEach(p -> ports.add(p.handle));
        Server.serve(sys, new EthdHandler(sys, nic, chip, eth, user), ports);
    }

    private interface Namer {
        PortInfo port(int n);
    }

    /**
     * Registers the port with the lowest free number from {@code first}: a NIC asks for its place among the NICs on
     * the bus (the PCI port's metadata), so {@code eth0} is the first NIC whichever ethd starts first.
     */
    private static ServedPort register(Sys sys, String prefix, int first, Namer namer, int switchPort, long mac) {
        for (int n = first; n < first + MAX_NAMES; n++) {
            PortInfo info = namer.port(n);
            Result<Handle> r = sys.registerPort(info, PortOptions.DEFAULT);
            if (r.code() == ErrorCode.NAME_TAKEN) {
                continue;
            }
            return new ServedPort(info.name().substring(0, info.name().length() - 1), r.orThrow(), switchPort, mac);
        }
        throw new IllegalStateException("no free " + prefix + "<n>: name among " + MAX_NAMES);
    }

    /**
     * The address of user port {@code port} of the switch behind a NIC with address {@code nicMac}: locally
     * administered (02), then the NIC's last four octets, then the port number plus one. Linux's DSA user ports take
     * the conduit's address unless told otherwise; giving each its own lets them share a LAN (each gets its own
     * DHCP lease, and the LAN's switch learns each at its own port), and the NIC's receive filter takes all of them.
     */
    static long portMac(long nicMac, int port) {
        return 0x02L << 40 | (nicMac & 0xffff_ffffL) << 8 | (port + 1);
    }

    static byte[] macBytes(long mac) {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (mac >>> (40 - 8 * i));
        }
        return b;
    }

    static String macText(long mac) {
        StringBuilder s = new StringBuilder();
        for (byte b : macBytes(mac)) {
            s.append(s.isEmpty() ? "" : ":").append(String.format("%02x", b & 0xff));
        }
        return s.toString();
    }
}
