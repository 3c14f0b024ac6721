package org.microsim.drivers.ethd;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Mmio;
import org.microsim.abi.Sys;

/**
 * An Intel 8254x (82540EM, e1000) as its developer's manual says to drive it: the registers, the legacy
 * receive and transmit descriptor rings in DMA memory, and the interrupt causes. Nothing here knows about clients
 * or switches; {@link EthdHandler} decides what a frame is for.
 *
 * <h2>Bring-up (manual, section 14)</h2>
 * A device reset (CTRL.RST), all interrupts masked and pending causes read away; the station address from the
 * EEPROM through EERD (words 0 to 2, low byte first); link up forced with CTRL.SLU, the PHY's status read through
 * MDIC; the receive address RAL0/RAH0 with AV, the multicast table cleared; then the rings, receive with
 * broadcasts accepted and 2 KiB buffers, transmit with short frames padded; and last the interrupt mask: receive
 * timer (RXT0), overrun (RXO), descriptor written back (TXDW) and link status change (LSC).
 *
 * <h2>Jumbo frames</h2>
 * As Linux's e1000 does (e1000_change_mtu, e1000_setup_rctl): an MTU over 1500 sets RCTL.LPE, without which the NIC
 * discards frames over 1522 bytes with FCS, and receive buffers of 4096 bytes (BSIZE 11b with BSEX) instead of
 * 2048; a frame longer than a buffer fills several descriptors, EOP on the last, and is taken whole or not at all.
 * The buffers sit 4096 bytes apart whatever BSIZE says, so changing it moves nothing. Each transmit descriptor has
 * a buffer of 16 KiB, room for the longest frame, so a frame is always one descriptor.
 *
 * <pre>
 *   receive ring (RX_DESCRIPTORS)             transmit ring (TX_DESCRIPTORS)
 *   ┌───┬───┬───┬───┬───┐                     ┌───┬───┬───┬───┬───┐
 *   │ D │ D │   │   │   │ NIC fills at RDH     │ s │ s │ s │   │   │ NIC sends from TDH
 *   └───┴───┴───┴───┴───┘                     └───┴───┴───┴───┴───┘
 *     ▲ rxNext: the driver takes DD ones,        ▲ txClean  ▲ txTail: the driver fills here, then TDT
 *       gives them back by moving RDT            reclaimed when DD is written back (RS on every frame)
 * </pre>
 *
 * <p>The driver keeps one descriptor of each ring empty, so that head = tail always means empty. A frame the
 * transmit ring cannot take now waits in a short queue of its own, sent as descriptors are written back; past
 * that it is refused, and the caller hears so.
 */
final class Nic {
    static final int CTRL = 0x0000;
    static final int STATUS = 0x0008;
    static final int EERD = 0x0014;
    static final int MDIC = 0x0020;
    static final int ICR = 0x00c0;
    static final int IMS = 0x00d0;
    static final int IMC = 0x00d8;
    static final int RCTL = 0x0100;
    static final int TCTL = 0x0400;
    static final int TIPG = 0x0410;
    static final int RDBAL = 0x2800;
    static final int RDBAH = 0x2804;
    static final int RDLEN = 0x2808;
    static final int RDH = 0x2810;
    static final int RDT = 0x2818;
    static final int TDBAL = 0x3800;
    static final int TDBAH = 0x3804;
    static final int TDLEN = 0x3808;
    static final int TDH = 0x3810;
    static final int TDT = 0x3818;
    static final int MPC = 0x4010;
    static final int MTA = 0x5200;
    static final int RAL0 = 0x5400;
    static final int RAH0 = 0x5404;

    static final int CTRL_SLU = 1 << 6;
    static final int CTRL_RST = 1 << 26;
    static final int STATUS_LU = 1 << 1;
    static final int EERD_START = 1;
    static final int EERD_DONE = 1 << 4;
    static final int MDIC_OP_WRITE = 1 << 26;
    static final int MDIC_OP_READ = 2 << 26;
    static final int MDIC_READY = 1 << 28;
    static final int MDIC_ERROR = 1 << 30;
    static final int ICR_TXDW = 1;
    static final int ICR_LSC = 1 << 2;
    static final int ICR_RXO = 1 << 6;
    static final int ICR_RXT0 = 1 << 7;
    static final int RCTL_EN = 1 << 1;
    static final int RCTL_UPE = 1 << 3;
    static final int RCTL_MPE = 1 << 4;
    static final int RCTL_LPE = 1 << 5;
    /** BSIZE 11b with BSEX: 4096-byte receive buffers (manual, RCTL). */
    static final int RCTL_BSIZE_4096 = 3 << 16 | 1 << 25;
    static final int RCTL_BAM = 1 << 15;
    static final int RCTL_SECRC = 1 << 26;
    static final int TCTL_EN = 1 << 1;
    static final int TCTL_PSP = 1 << 3;
    static final int TCTL_CT = 0x10 << 4;
    static final int TCTL_COLD = 0x40 << 12;
    static final int RAH_AV = 1 << 31;
    static final int TX_EOP = 0x01;
    static final int TX_IFCS = 0x02;
    static final int TX_RS = 0x08;
    static final int DESC_DD = 0x01;
    static final int RX_EOP = 0x02;

    /**
     * Linux's e1000 default. A TCP sender's burst (a pass over its transmit ring, up to 63 frames) lands at one
     * instant; with 64 here, one that came before ethd had drained the last overflowed the ring under the free
     * scheduler, and TCP took the loss for congestion (60 fast retransmits in 64 MiB; none with 256).
     */
    static final int RX_DESCRIPTORS = 256;
    static final int TX_DESCRIPTORS = 64;
    /** Bytes between receive buffers: the larger of the two sizes BSIZE is set to (2048 at MTU 1500, 4096 above). */
    static final int RX_BUFFER = 4096;
    /** Bytes of each transmit buffer: the longest frame fits one descriptor. */
    static final int TX_BUFFER = 16 << 10;
    /** The longest frame the NIC takes without RCTL.LPE, its FCS not counted: a VLAN-tagged 1500-byte payload. */
    static final int SHORT_FRAME = 1518;
    /** Frames that wait for transmit descriptors before SEND refuses more. */
    static final int TX_BACKLOG = 256;
    private static final int DESC = 16;
    private static final int PHY = 1;
    private static final int POLLS = 1000;

    private final Sys sys;
    private final Mmio regs;
    private final DmaBuffer rxRing;
    private final DmaBuffer rxBuffers;
    private final DmaBuffer txRing;
    private final DmaBuffer txBuffers;
    private final ArrayDeque<byte[]> backlog = new ArrayDeque<>();
    private final long mac;
    private int rxNext;
    private int txTail;
    /** The tail the NIC was last told (TDT). */
    private int announced;
    private int txClean;
    private int rctl;
    private long missed;

    private Nic(Sys sys, Mmio regs, long mac) {
        this.sys = sys;
        this.regs = regs;
        this.mac = mac;
        this.rxRing = sys.allocDma(RX_DESCRIPTORS * DESC).orThrow();
        this.rxBuffers = sys.allocDma(RX_DESCRIPTORS * RX_BUFFER).orThrow();
        this.txRing = sys.allocDma(TX_DESCRIPTORS * DESC).orThrow();
        this.txBuffers = sys.allocDma(TX_DESCRIPTORS * TX_BUFFER).orThrow();
    }

    /**
     * Resets the NIC and brings it up.
     *
     * @throws NicException when the hardware does not answer as the manual says (the EEPROM never done, a reset
     *                      that never ends)
     */
    static Nic start(Sys sys, Mmio regs) throws NicException {
        regs.write32(CTRL, regs.read32(CTRL) | CTRL_RST);
        for (int i = 0; (regs.read32(CTRL) & CTRL_RST) != 0; i++) {
            if (i == POLLS) {
                throw new NicException("the NIC does not come out of reset");
            }
            sys.sleep(Duration.ofNanos(1000));
        }
        regs.write32(IMC, -1);
        regs.read32(ICR);
        long mac = 0;
        for (int word = 0; word < 3; word++) {
            int w = eeprom(sys, regs, word);
            mac = mac << 16 | (w & 0xff) << 8 | w >>> 8 & 0xff;
        }
        Nic nic = new Nic(sys, regs, mac);
        nic.bringUp();
        return nic;
    }

    private static int eeprom(Sys sys, Mmio regs, int word) throws NicException {
        regs.write32(EERD, word << 8 | EERD_START);
        for (int i = 0; i < POLLS; i++) {
            int v = regs.read32(EERD);
            if ((v & EERD_DONE) != 0) {
                return v >>> 16;
            }
            sys.sleep(Duration.ofNanos(1000));
        }
        throw new NicException("EEPROM word " + word + " never reads");
    }

    private void bringUp() {
        regs.write32(CTRL, regs.read32(CTRL) | CTRL_SLU);
        for (int i = 0; i < 128; i++) {
            regs.write32(MTA + 4 * i, 0);
        }
        receiveAddress(0, mac);
        for (int i = 0; i < RX_DESCRIPTORS; i++) {
            rxRing.putLong(i * DESC, rxBuffers.physAddress() + (long) i * RX_BUFFER);
            rxRing.putLong(i * DESC + 8, 0);
        }
        regs.write32(RDBAL, (int) rxRing.physAddress());
        regs.write32(RDBAH, (int) (rxRing.physAddress() >>> 32));
        regs.write32(RDLEN, RX_DESCRIPTORS * DESC);
        regs.write32(RDH, 0);
        regs.write32(RDT, RX_DESCRIPTORS - 1);
        rctl = RCTL_EN | RCTL_BAM | RCTL_SECRC;
        regs.write32(RCTL, rctl);
        txRing.clear(0, TX_DESCRIPTORS * DESC);
        regs.write32(TDBAL, (int) txRing.physAddress());
        regs.write32(TDBAH, (int) (txRing.physAddress() >>> 32));
        regs.write32(TDLEN, TX_DESCRIPTORS * DESC);
        regs.write32(TDH, 0);
        regs.write32(TDT, 0);
        regs.write32(TIPG, 10 | 8 << 10 | 6 << 20);
        regs.write32(TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
        regs.write32(IMS, ICR_RXT0 | ICR_RXO | ICR_TXDW | ICR_LSC);
    }

    /**
     * Sets receive address {@code index} (0 to 15; 0 is the station's own): frames to {@code address} pass the
     * filter. RAL holds the first four octets, RAH the last two and AV, each low byte first, as the manual says.
     */
    void receiveAddress(int index, long address) {
        regs.write32(RAL0 + 8 * index, Integer.reverseBytes((int) (address >>> 16)));
        regs.write32(RAH0 + 8 * index, Short.reverseBytes((short) address) & 0xffff | RAH_AV);
    }

    /** The station address from the EEPROM, 48 bits, the first octet on the wire in bits 47:40. */
    long mac() {
        return mac;
    }

    /** Whether the wire has carrier (STATUS.LU). */
    boolean linkUp() {
        return (regs.read32(STATUS) & STATUS_LU) != 0;
    }

    /** Frames the NIC dropped for want of a receive descriptor (MPC, which clears on read), summed. */
    long missed() {
        missed += Integer.toUnsignedLong(regs.read32(MPC));
        return missed;
    }

    /** Reads and so clears the pending interrupt causes. */
    int causes() {
        return regs.read32(ICR);
    }

    /** A PHY register read through MDIC: the value, or -1 when the PHY does not answer. */
    int mdioRead(int phy, int register) {
        return mdio(MDIC_OP_READ | phy << 21 | register << 16);
    }

    /** A PHY register write through MDIC; false when the PHY does not answer. */
    boolean mdioWrite(int phy, int register, int value) {
        return mdio(MDIC_OP_WRITE | phy << 21 | register << 16 | value & 0xffff) >= 0;
    }

    private int mdio(int command) {
        regs.write32(MDIC, command);
        for (int i = 0; i < POLLS; i++) {
            int v = regs.read32(MDIC);
            if ((v & MDIC_READY) != 0) {
                return (v & MDIC_ERROR) != 0 ? -1 : v & 0xffff;
            }
        }
        return -1;
    }

    /** The internal PHY's status register (1), for the log: -1 when it does not answer. */
    int phyStatus() {
        return mdioRead(PHY, 1);
    }

    /**
     * Receive filters: every frame ({@code promiscuous}), every multicast, or those of the multicast table, whose
     * bit for an address is picked by its bits 47:36 as the manual's MO = 00 says.
     */
    void filter(boolean promiscuous, boolean allMulticast, List<Long> groups) {
        int[] table = new int[128];
        for (long g : groups) {
            int hash = (int) ((g >>> 8 & 0xff) >>> 4 | (g & 0xff) << 4) & 0xfff;
            table[hash >>> 5] |= 1 << (hash & 31);
        }
        for (int i = 0; i < 128; i++) {
            regs.write32(MTA + 4 * i, table[i]);
        }
        rctl = rctl & ~(RCTL_UPE | RCTL_MPE) | (promiscuous ? RCTL_UPE : 0) | (allMulticast ? RCTL_MPE : 0);
        regs.write32(RCTL, rctl);
    }

    /**
     * Sets what the receiver takes for a largest frame of {@code maxFrame} bytes (FCS not counted): past {@link
     * #SHORT_FRAME}, long packets (LPE) and 4096-byte buffers. The receiver is off while BSIZE changes, as Linux
     * resets the NIC to change its MTU; a frame that comes in that moment is dropped, as on the real part.
     */
    void maxFrame(int maxFrame) {
        boolean jumbo = maxFrame > SHORT_FRAME;
        rctl = rctl & ~(RCTL_LPE | RCTL_BSIZE_4096) | (jumbo ? RCTL_LPE | RCTL_BSIZE_4096 : 0);
        regs.write32(RCTL, rctl & ~RCTL_EN);
        regs.write32(RCTL, rctl);
    }

    /**
     * Takes every whole frame the NIC wrote back, hands each to {@code sink}, and gives the descriptors back. A frame
     * is whole when the descriptor with EOP is written back; one whose last descriptors the NIC has not written yet
     * stays on the ring for the next call, as Linux keeps its partial skb.
     */
    int receive(Consumer<byte[]> sink) {
        int frames = 0;
        int last = -1;
        for (int taken = 0, n; taken < RX_DESCRIPTORS && (n = wholeFrame()) > 0; taken += n) {
            int bytes = 0;
            for (int k = 0; k < n; k++) {
                bytes += pieceLength((rxNext + k) % RX_DESCRIPTORS);
            }
            byte[] frame = new byte[bytes];
            for (int k = 0, at = 0; k < n; k++) {
                int d = (rxNext + k) % RX_DESCRIPTORS;
                int length = pieceLength(d);
                rxBuffers.read(d * RX_BUFFER, frame, at, length);
                at += length;
                rxRing.putLong(d * DESC + 8, 0);
            }
            last = (rxNext + n - 1) % RX_DESCRIPTORS;
            rxNext = (last + 1) % RX_DESCRIPTORS;
            sink.accept(frame);
            frames++;
        }
        if (last >= 0) {
            regs.write32(RDT, last);
        }
        return frames;
    }

    /** How many descriptors from rxNext hold the next frame, through its EOP; 0 when it is not all written back. */
    private int wholeFrame() {
        for (int k = 0; k < RX_DESCRIPTORS - 1; k++) {
            int status = rxRing.getInt((rxNext + k) % RX_DESCRIPTORS * DESC + 12) & 0xff;
            if ((status & DESC_DD) == 0) {
                return 0;
            }
            if ((status & RX_EOP) != 0) {
                return k + 1;
            }
        }
        return 0;
    }

    /** The bytes in receive descriptor {@code d}'s buffer, at most a buffer's worth whatever the NIC wrote. */
    private int pieceLength(int d) {
        return Math.min(rxRing.getInt(d * DESC + 8) & 0xffff, RX_BUFFER);
    }

    /**
     * Queues a frame for the wire, a view that stays the caller's: copied straight into a transmit buffer when
     * nothing waits before it and the ring has room (the one copy a frame costs in the driver), else into the
     * backlog. False when the ring and the backlog are full. {@link #pump} tells the NIC.
     */
    boolean send(byte[] buffer, int offset, int length) {
        if (backlog.isEmpty() && (ringHasRoom() || reclaim() && ringHasRoom())) {
            place(buffer, offset, length);
            return true;
        }
        if (backlog.size() >= TX_BACKLOG) {
            return false;
        }
        backlog.add(Arrays.copyOfRange(buffer, offset, offset + length));
        return true;
    }

    /** Reclaims sent descriptors and moves waiting frames onto the ring, then tells the NIC what is new (TDT). */
    void pump() {
        reclaim();
        while (!backlog.isEmpty() && ringHasRoom()) {
            byte[] frame = backlog.poll();
            place(frame, 0, frame.length);
        }
        if (txTail != announced) {
            regs.write32(TDT, txTail);
            announced = txTail;
        }
    }

    /** Takes back the descriptors the NIC has sent (DD written back); true, so that a condition can chain it. */
    private boolean reclaim() {
        while (txClean != txTail && (txRing.getInt(txClean * DESC + 12) & DESC_DD) != 0) {
            txClean = (txClean + 1) % TX_DESCRIPTORS;
        }
        return true;
    }

    /** Whether a descriptor is free; one is always kept empty, so that a full ring is not taken for an empty one. */
    private boolean ringHasRoom() {
        return (txTail + 1) % TX_DESCRIPTORS != txClean;
    }

    /** Puts a frame in the next transmit buffer and its descriptor; the NIC hears of it at the next pump. */
    private void place(byte[] buffer, int offset, int length) {
        int at = txTail * DESC;
        txBuffers.write(txTail * TX_BUFFER, buffer, offset, length);
        txRing.putLong(at, txBuffers.physAddress() + (long) txTail * TX_BUFFER);
        txRing.putInt(at + 8, length | (TX_EOP | TX_IFCS | TX_RS) << 24);
        txRing.putInt(at + 12, 0);
        txTail = (txTail + 1) % TX_DESCRIPTORS;
    }

    /** Frames waiting for the ring. */
    int backlog() {
        return backlog.size();
    }
}
