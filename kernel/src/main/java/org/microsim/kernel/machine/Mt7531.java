package org.microsim.kernel.machine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A MediaTek MT7531-style Ethernet switch on the NIC's cable, managed over the NIC's MDIO pins, as Linux's
 * mt7530 DSA driver and its "mtk" tagger (net/dsa/tag_mtk.c) see one.
 *
 * <pre>
 *                 MDIO (MDIC, PHY address 0x1f)
 *   +-------+ - - - - - - - - - - - - - - - - - - -+
 *   | E1000 |                                       v
 *   |  NIC  |  cable   +----------------------------------------------+
 *   |       |=========>| port 6 (CPU)    MT7531 registers, 32-bit     |
 *   +-------+ frames,  |   |  PVC_P(6).PORT_SPEC_TAG: 4-byte tag on  |
 *             tagged   |   |                                          |
 *             or not   |   +--> port 0 ===== EthernetLink (outside)   |
 *                      |   +--> port 1 ===== EthernetLink            |
 *                      |   +--> ...                                   |
 *                      |   +--> port N-1 === EthernetLink            |
 *                      +----------------------------------------------+
 * </pre>
 *
 * <p><b>Wiring.</b> The switch is the NIC's {@link EthernetLink}: {@code nic.connect(sw)} plugs the NIC into
 * the CPU port (6), whose cable is always up. It has 1 to 5 user ports, numbered from 0, each a
 * {@link EthernetLink.Station} that the owner plugs into an outside link with {@link #connectPort} and
 * unplugs with {@link #disconnectPort}; a user port's carrier shows in its PMSR. The switch is also an
 * {@link MdioBus}: {@code nic.attachMdio(sw)} lets the NIC's MDIC reach it at PHY address
 * {@link #MDIO_ADDRESS}.
 *
 * <p><b>Registers over MDIO</b> (Linux mt7530_mii_read/mt7530_mii_write): a 32-bit register {@code reg} is
 * reached by writing its page {@code reg >> 6} to PHY 0x1f register 0x1f, then register {@code (reg >> 2) &
 * 0xf} for the low 16 bits and register 0x10 for the high 16. A read of the low half reads the whole
 * register and latches its high half for the read of 0x10; a write of the low half is held until the
 * write of 0x10 commits both halves to the register the low write named. Modelled: CREV 0x781C (MT7531 in
 * bits 31:16, read-only), HWTRAP 0x7800 (non-zero, read-only: Linux waits for it), MFC 0x10 and CFC 0x4
 * (held), PCR_P(x) 0x2004 + 0x100x (the port matrix in bits 23:16 says where a port may forward; all
 * ports at power-on, and empty for a port the switch does not have), PVC_P(x) 0x2010 + 0x100x (PORT_SPEC_TAG, bit 5, on the CPU port turns the special
 * tag on), PMCR_P(x) 0x3000 + 0x100x (held), PMSR_P(x) 0x3008 + 0x100x (read-only: LINK bit 0 follows
 * the port's wire, duplex and speed always say full and 1000 Mb/s), SYS_CTRL 0x7000 (REG_RST or SW_RST
 * restores power-on values, and the bits clear themselves). Every other register holds what is written.
 * Power-on values other than CREV's id are this model's choice, not the datasheet's.
 *
 * <p><b>Frames</b> (tag_mtk.c layout: four bytes after the source MAC, frame bytes 12..15). With the tag
 * on, a frame from the NIC carries in byte 12 untagged (0), 802.1Q (1) or 802.1ad (2), and in byte 13 the
 * destination port mask (bits 5:0; bit 6, SA_DIS, is accepted and ignored). An untagged frame leaves
 * with the four bytes removed; a VLAN one keeps bytes 14-15 as its TCI and leaves with the TPID (0x8100
 * or 0x88A8) in place of bytes 12-13, as the tagger folds the tag into the VLAN header. It goes out of
 * every user port in the mask whose wire is up; the tag overrides the port matrix. A frame from a user
 * port reaches the NIC with four bytes inserted, byte 12 zero and byte 13 the source port (the
 * big-endian word mtk_tag_rcv reads, bits 2:0), and reaches no other user port: DSA's standalone ports.
 * With the tag off the switch is a plain flooding switch (no address learning): frames go, unchanged, to
 * every port in the ingress port's matrix, except the one they came in on, whose wire is up.
 *
 * <p><b>Drops.</b> A frame shorter than an Ethernet header (14 bytes; 18 from the NIC with the tag on), a
 * tag whose byte 12 is above 2 or whose byte 13 has reserved bit 7 set, a frame that has nowhere to go,
 * and a frame forwarded more than {@link #MAX_NESTED_FORWARDS} times inside one delivery (looped cables)
 * are dropped and counted in {@link #dropped()}; nothing a frame or a register access holds makes the
 * model throw. Frames are delivered after the switch's lock is released, on the sender's thread.
 *
 * <p>Not modelled: address learning and the FDB (ATC), the VLAN table (VTCR/VAWD), STP states, MIB
 * counters, the internal PHYs and their indirect access (PHY_IAC), PMCR's force and enable bits, port 5,
 * interrupts, and the chip's timing.
 */
final class Mt7531 implements EthernetLink, MdioBus {
    /** The pseudo-PHY address the switch answers at on MDIO. */
    public static final int MDIO_ADDRESS = 0x1f;
    /** MT7531_CREV: the chip id and revision register. */
    public static final int CREV = 0x781c;
    /** The chip id in CREV's bits 31:16. */
    public static final int CHIP_ID = 0x7531;
    /** What CREV reads: the id and revision 1. */
    public static final int CREV_VALUE = CHIP_ID << 16 | 0x0001;
    /** The port the NIC is plugged into. */
    public static final int CPU_PORT = 6;
    /** User ports when the owner does not say. */
    public static final int DEFAULT_USER_PORTS = 4;
    /** The most user ports the chip has (its five gigabit PHYs). */
    public static final int MAX_USER_PORTS = 5;
    /**
     * How deep this switch's forwarding may nest on one thread (a frame coming back into it while it is
     * still delivering) before the frame is taken for a loop and dropped. Small, because a flooding switch
     * with looped cables multiplies frames at every level.
     */
    public static final int MAX_NESTED_FORWARDS = 4;

    static final int CFC = 0x0004;
    static final int MFC = 0x0010;
    static final int PCR_BASE = 0x2004;
    static final int PVC_BASE = 0x2010;
    static final int PMCR_BASE = 0x3000;
    static final int PMSR_BASE = 0x3008;
    static final int PORT_STRIDE = 0x100;
    static final int SYS_CTRL = 0x7000;
    static final int HWTRAP = 0x7800;

    static final int PCR_MATRIX_SHIFT = 16;
    static final int PVC_PORT_SPEC_TAG = 1 << 5;
    static final int PMSR_LINK = 1;
    static final int PMSR_DPX = 1 << 1;
    static final int PMSR_SPEED_1000 = 2 << 2;
    static final int SYS_CTRL_REG_RST = 1;
    static final int SYS_CTRL_SW_RST = 1 << 1;
    static final int SYS_CTRL_PHY_RST = 1 << 2;

    static final int TAG_LEN = 4;
    static final int ETH_HEADER = 14;
    static final int TAG_UNTAGGED = 0;
    static final int TAG_8021Q = 1;
    static final int TAG_8021AD = 2;

    private static final int PORTS = 7;
    private static final int ALL_PORTS = 0xff;
    private static final int PCR_DEFAULT = ALL_PORTS << PCR_MATRIX_SHIFT;
    private static final int PVC_DEFAULT = 0x8100 << 16; // the stack TPID; tagging off
    private static final int HWTRAP_DEFAULT = 0x0000_0f7f;
    private static final int PAGE_REGISTER = 0x1f;
    private static final int HIGH_REGISTER = 0x10;

    private final int userPorts;
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
    private final int[] regs = new int[0x10000 / 4];
    private final UserPort[] current;
    private final EthernetLink.Attachment[] wires;
    private final boolean[] up;
    private EthernetLink.Station cpu;
    private int page;
    private int latchedHigh;
    private int pendingLow;
    private int pendingAddress;
    private long dropped;

    /** A switch with {@link #DEFAULT_USER_PORTS} user ports. */
    public Mt7531() {
        this(DEFAULT_USER_PORTS);
    }

    /** @param userPorts 1 to {@link #MAX_USER_PORTS} */
    public Mt7531(int userPorts) {
        if (userPorts < 1 || userPorts > MAX_USER_PORTS) {
            throw new IllegalArgumentException("an MT7531 has 1 to " + MAX_USER_PORTS + " user ports, not " + userPorts);
        }
        this.userPorts = userPorts;
        this.current = new UserPort[userPorts];
        this.wires = new EthernetLink.Attachment[userPorts];
        this.up = new boolean[userPorts];
        reset();
    }

    /** How many user ports, numbered 0 to userPorts() - 1. */
    public int userPorts() {
        return userPorts;
    }

    /** Frames dropped since power-on: short, malformed, with nowhere to go, or looping. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Plugs user port {@code port} into {@code link}, unplugging it from any previous one. */
    public void connectPort(int port, EthernetLink link) {
        checkPort(port);
        disconnectPort(port);
        UserPort station = new UserPort(port);
        synchronized (this) {
            current[port] = station;
        }
        EthernetLink.Attachment fresh = link.attach(station);
        EthernetLink.Attachment stale = null;
        synchronized (this) {
            if (current[port] == station) {
                wires[port] = fresh;
                up[port] = fresh.up();
            } else {
                stale = fresh; // unplugged again while plugging in
            }
        }
        if (stale != null) {
            stale.detach();
        }
    }

    /** Unplugs user port {@code port}: its PMSR says link down. */
    public void disconnectPort(int port) {
        checkPort(port);
        EthernetLink.Attachment old;
        synchronized (this) {
            old = wires[port];
            wires[port] = null;
            current[port] = null;
            up[port] = false;
        }
        if (old != null) {
            old.detach();
        }
    }

    private void checkPort(int port) {
        if (port < 0 || port >= userPorts) {
            throw new IllegalArgumentException("no user port " + port + " on a switch with " + userPorts);
        }
    }

    /** The NIC plugs into the CPU port; a second station replaces the first. */
    @Override
    public Attachment attach(Station station) {
        synchronized (this) {
            cpu = station;
        }
        return new Attachment() {
            @Override
            public void transmit(byte[] frame) {
                fromCpu(station, frame);
            }

            @Override
            public boolean up() {
                return true;
            }

            @Override
            public void detach() {
                synchronized (Mt7531.this) {
                    if (cpu == station) {
                        cpu = null;
                    }
                }
            }
        };
    }

    // ---- MDIO ----

    @Override
    public synchronized int read(int phy, int register) {
        if (phy != MDIO_ADDRESS) {
            return -1;
        }
        if (register == PAGE_REGISTER) {
            return page;
        }
        if (register == HIGH_REGISTER) {
            return latchedHigh;
        }
        if (register < HIGH_REGISTER) {
            int value = readRegister(page << 6 | register << 2);
            latchedHigh = value >>> 16;
            return value & 0xffff;
        }
        return 0;
    }

    @Override
    public synchronized boolean write(int phy, int register, int value) {
        if (phy != MDIO_ADDRESS) {
            return false;
        }
        int data = value & 0xffff;
        if (register == PAGE_REGISTER) {
            page = data & 0x3ff;
        } else if (register == HIGH_REGISTER) {
            writeRegister(pendingAddress, data << 16 | pendingLow);
        } else if (register < HIGH_REGISTER) {
            pendingLow = data;
            pendingAddress = page << 6 | register << 2;
        }
        return true;
    }

    // ---- registers ----

    private void reset() {
        Arrays.fill(regs, 0);
        for (int port = 0; port < PORTS; port++) {
            // A port this switch does not have reads an empty port matrix: that is how a driver counts them.
            if (port < userPorts || port == CPU_PORT) {
                regs[(PCR_BASE + PORT_STRIDE * port) / 4] = PCR_DEFAULT;
            }
            regs[(PVC_BASE + PORT_STRIDE * port) / 4] = PVC_DEFAULT;
        }
    }

    private int readRegister(int address) {
        if (address == CREV) {
            return CREV_VALUE;
        }
        if (address == HWTRAP) {
            return HWTRAP_DEFAULT;
        }
        int pmsrPort = portOf(address, PMSR_BASE);
        if (pmsrPort >= 0) {
            return pmsr(pmsrPort);
        }
        return regs[address / 4];
    }

    private void writeRegister(int address, int value) {
        if (address == CREV || address == HWTRAP || portOf(address, PMSR_BASE) >= 0) {
            return; // read-only
        }
        if (address == SYS_CTRL) {
            if ((value & (SYS_CTRL_REG_RST | SYS_CTRL_SW_RST)) != 0) {
                reset();
            }
            regs[SYS_CTRL / 4] = value & ~(SYS_CTRL_REG_RST | SYS_CTRL_SW_RST | SYS_CTRL_PHY_RST);
            return;
        }
        regs[address / 4] = value;
    }

    /** The port whose copy of the per-port register at {@code base} {@code address} is, or -1. */
    private static int portOf(int address, int base) {
        int port = (address - base) / PORT_STRIDE;
        return address >= base && port < PORTS && address == base + PORT_STRIDE * port ? port : -1;
    }

    private int pmsr(int port) {
        boolean link = port == CPU_PORT ? cpu != null : port < userPorts && up[port];
        boolean present = port == CPU_PORT || port < userPorts;
        return present ? PMSR_DPX | PMSR_SPEED_1000 | (link ? PMSR_LINK : 0) : 0;
    }

    private int matrix(int port) {
        return regs[(PCR_BASE + PORT_STRIDE * port) / 4] >>> PCR_MATRIX_SHIFT & ALL_PORTS;
    }

    private boolean tagging() {
        return (regs[(PVC_BASE + PORT_STRIDE * CPU_PORT) / 4] & PVC_PORT_SPEC_TAG) != 0;
    }

    // ---- frames ----

    /** A frame the NIC sent. */
    private void fromCpu(Station sender, byte[] frame) {
        List<EthernetLink.Attachment> out = new ArrayList<>(userPorts);
        byte[] egress;
        synchronized (this) {
            if (cpu != sender) {
                return; // an unplugged NIC's late frame: it is on no wire
            }
            int mask;
            if (!tagging()) {
                mask = matrix(CPU_PORT);
                egress = frame.length >= ETH_HEADER ? frame : null;
            } else {
                mask = frame.length >= ETH_HEADER + TAG_LEN ? frame[13] & 0x3f : 0;
                egress = frame.length >= ETH_HEADER + TAG_LEN ? untag(frame) : null;
            }
            for (int port = 0; port < userPorts && egress != null; port++) {
                if ((mask & 1 << port) != 0 && up[port] && wires[port] != null) {
                    out.add(wires[port]);
                }
            }
            if (out.isEmpty()) {
                dropped++;
                return;
            }
        }
        forward(egress, out, null);
    }

    /** The frame as it leaves a user port, or null when its special tag is malformed. */
    private static byte[] untag(byte[] frame) {
        int kind = frame[12] & 0xff;
        if (kind > TAG_8021AD || (frame[13] & 0x80) != 0) {
            return null;
        }
        if (kind == TAG_UNTAGGED) {
            byte[] out = new byte[frame.length - TAG_LEN];
            System.arraycopy(frame, 0, out, 0, 12);
            System.arraycopy(frame, 12 + TAG_LEN, out, 12, frame.length - 12 - TAG_LEN);
            return out;
        }
        byte[] out = frame.clone();
        int tpid = kind == TAG_8021Q ? 0x8100 : 0x88a8;
        out[12] = (byte) (tpid >>> 8);
        out[13] = (byte) tpid;
        return out;
    }

    /** A frame from user port {@code from}'s wire. */
    private void fromUser(UserPort from, byte[] frame) {
        List<EthernetLink.Attachment> out = new ArrayList<>(userPorts);
        Station nic = null;
        byte[] toNic = null;
        synchronized (this) {
            if (current[from.port] != from) {
                return; // an unplugged port's late frame
            }
            if (frame.length < ETH_HEADER) {
                dropped++;
                return;
            }
            int mask = matrix(from.port);
            boolean tagging = tagging();
            if (cpu != null && (mask & 1 << CPU_PORT) != 0) {
                nic = cpu;
                toNic = tagging ? withTag(frame, from.port) : frame.clone();
            }
            for (int port = 0; port < userPorts && !tagging; port++) {
                if (port != from.port && (mask & 1 << port) != 0 && up[port] && wires[port] != null) {
                    out.add(wires[port]);
                }
            }
            if (nic == null && out.isEmpty()) {
                dropped++;
                return;
            }
        }
        if (nic != null) {
            Station target = nic;
            byte[] copy = toNic;
            forward(frame, out, () -> target.receive(copy));
        } else {
            forward(frame, out, null);
        }
    }

    /** The frame with the receive tag naming {@code port} inserted after the source MAC. */
    private static byte[] withTag(byte[] frame, int port) {
        byte[] out = new byte[frame.length + TAG_LEN];
        System.arraycopy(frame, 0, out, 0, 12);
        out[13] = (byte) port;
        System.arraycopy(frame, 12, out, 12 + TAG_LEN, frame.length - 12);
        return out;
    }

    /** Delivers, outside the lock, a copy per wire; too deep a nest of deliveries is a loop and is dropped. */
    private void forward(byte[] frame, List<EthernetLink.Attachment> out, Runnable toNic) {
        int[] nesting = depth.get();
        if (nesting[0] >= MAX_NESTED_FORWARDS) {
            synchronized (this) {
                dropped++;
            }
            return;
        }
        nesting[0]++;
        try {
            if (toNic != null) {
                toNic.run();
            }
            for (EthernetLink.Attachment wire : out) {
                wire.transmit(frame.clone());
            }
        } finally {
            nesting[0]--;
        }
    }

    /** One plugging-in of a user port; a stale one (unplugged since) is ignored. */
    private final class UserPort implements Station {
        final int port;

        UserPort(int port) {
            this.port = port;
        }

        @Override
        public void receive(byte[] frame) {
            fromUser(this, frame);
        }

        @Override
        public void linkChanged(boolean carrier) {
            synchronized (Mt7531.this) {
                if (current[port] == this) {
                    up[port] = carrier;
                }
            }
        }
    }
}
