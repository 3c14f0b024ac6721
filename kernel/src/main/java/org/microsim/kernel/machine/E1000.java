package org.microsim.kernel.machine;

import org.microsim.kernel.InterruptLine;
import org.microsim.kernel.Timeline;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.microsim.abi.Mmio;

/**
 * An Intel 82540EM gigabit Ethernet controller (8086:100e, BAR0 = 128 KiB of registers), the subset QEMU's
 * e1000 gives a driver written from Intel's 8254x developer's manual.
 *
 * <p>Modelled: CTRL (RST resets the device and self-clears), STATUS (FD, LU when the wire is up, 1000 Mb/s),
 * EERD (EEPROM reads: words 0-2 are the MAC, word 3Fh makes the checksum BABAh), MDIC (reads of the PHY's
 * control, status, and id registers, ready at once; reads and writes at other PHY addresses go to the
 * {@link MdioBus} the machine attached, such as a switch, and answer with ERROR when there is none), ICR (read clears)
 * / ICS / IMS / IMC, RCTL (EN, UPE, MPE, LPE, BAM, BSIZE with BSEX) and TCTL (EN, PSP), the legacy 16-byte receive and
 * transmit descriptor rings (RDBAL/RDBAH/RDLEN/RDH/RDT, TDBAL/TDBAH/TDLEN/TDH/TDT; DD and EOP; RS write-back), the
 * receive address filter (RAL/RAH with AV, the multicast table hashed on bits 47:36), and the statistics MPC, GPRC,
 * GPTC, ROC, TPR and TPT, which clear on read. Interrupt causes: TXDW and TXQE after transmit, RXT0 after a frame is
 * received, RXO when one is missed, LSC when the wire goes up or down. Other registers hold what is written. Not
 * modelled: EEPROM bit-banging through EECD, extended (DEXT) descriptors and offloads (a DEXT descriptor is consumed
 * and its data not sent), interrupt throttling, the I/O BAR.
 *
 * <p>Transmit runs one configured latency after TDT is written; the frames of one pass over the ring go on the wire
 * together, as one burst, when this NIC's lock is released, so two NICs on one link never deadlock. Receive
 * happens when the link delivers; a burst that arrives at one instant is signalled with one interrupt, as the
 * receive delay timer (RDTR) gathers frames that come close together on the real part. A frame that
 * finds the receiver disabled or the wire down is dropped; one that finds no free descriptor (RDH = RDT),
 * or a ring that does not make sense (RDLEN zero, head or tail past the end, a buffer outside memory), is
 * counted in MPC.
 *
 * <p>Long packets (the manual's statistics registers RLEC and ROC, 040F8h): with RCTL.LPE clear a frame of more than
 * 1522 bytes counting its FCS is oversized; with LPE set, one of more than 16384. Our frames carry no FCS, so the
 * limits are 1518 and 16380 bytes, as QEMU's e1000x_is_oversized has them (14-byte header, 4-byte VLAN tag, 1500; 16
 * KiB less the FCS). An oversized frame that passes the address filter is discarded and counted in ROC. A frame longer
 * than one receive buffer (BSIZE) fills as many descriptors as it needs, EOP on the last. Store Bad Packets (SBP),
 * which would keep oversized frames, is not modelled. Every loop is bounded by the ring's size; nothing a driver writes
 * makes the model throw.
 */
final class E1000 implements EthernetLink.Station {
    /** Intel. */
    public static final int VENDOR_ID = 0x8086;
    /** 82540EM. */
    public static final int DEVICE_ID = 0x100e;
    /** The revision QEMU reports. */
    public static final int REVISION = 0x03;
    /** lspci's name for it. */
    public static final String DEVICE_NAME = "Intel Corporation 82540EM Gigabit Ethernet Controller";
    /** Bytes of the register BAR. */
    public static final long BAR0_SIZE = 0x20000;

    static final int CTRL = 0x0000;
    static final int STATUS = 0x0008;
    static final int EECD = 0x0010;
    static final int EERD = 0x0014;
    static final int MDIC = 0x0020;
    static final int ICR = 0x00c0;
    static final int ICS = 0x00c8;
    static final int IMS = 0x00d0;
    static final int IMC = 0x00d8;
    static final int RCTL = 0x0100;
    static final int TCTL = 0x0400;
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
    static final int GPRC = 0x4074;
    static final int GPTC = 0x4080;
    static final int ROC = 0x40f8;
    static final int TPR = 0x40d0;
    static final int TPT = 0x40d4;
    static final int MTA = 0x5200;
    static final int RAL0 = 0x5400;
    static final int RAH0 = 0x5404;

    static final int CTRL_SLU = 1 << 6;
    static final int CTRL_RST = 1 << 26;
    static final int CTRL_FD = 1;
    static final int STATUS_FD = 1;
    static final int STATUS_LU = 1 << 1;
    static final int STATUS_SPEED_1000 = 2 << 6;
    static final int EECD_PRESENT = 1 << 8;
    static final int EERD_START = 1;
    static final int EERD_DONE = 1 << 4;
    static final int MDIC_OP_WRITE = 1 << 26;
    static final int MDIC_OP_READ = 2 << 26;
    static final int MDIC_OP_MASK = 3 << 26;
    static final int MDIC_READY = 1 << 28;
    static final int MDIC_ERROR = 1 << 30;
    static final int ICR_TXDW = 1;
    static final int ICR_TXQE = 1 << 1;
    static final int ICR_LSC = 1 << 2;
    static final int ICR_RXO = 1 << 6;
    static final int ICR_RXT0 = 1 << 7;
    static final int RCTL_EN = 1 << 1;
    static final int RCTL_UPE = 1 << 3;
    static final int RCTL_MPE = 1 << 4;
    static final int RCTL_LPE = 1 << 5;
    static final int RCTL_BAM = 1 << 15;
    static final int RCTL_BSEX = 1 << 25;
    static final int TCTL_EN = 1 << 1;
    static final int TCTL_PSP = 1 << 3;
    static final int RAH_AV = 1 << 31;
    static final int DESC_SIZE = 16;
    static final int TX_EOP = 0x01;
    static final int TX_RS = 0x08;
    static final int TX_DEXT = 0x20;
    static final int DESC_DD = 0x01;
    static final int RX_EOP = 0x02;

    private static final int PHY_ADDRESS = 1;
    private static final int MIN_FRAME = 60;
    private static final int MAX_FRAME = 16384;
    /** The longest frame (no FCS) taken with RCTL.LPE clear: 1522 bytes with FCS, a VLAN-tagged 1500-byte payload. */
    static final int MAX_SHORT_RX = 1518;
    /** The longest frame (no FCS) taken with RCTL.LPE set: 16384 bytes with FCS. */
    static final int MAX_LONG_RX = 16380;
    private static final int EEPROM_WORDS = 64;

    private final PhysicalMemory memory;
    private final Timeline timeline;
    private final InterruptLine interrupt;
    private final long latencyNanos;
    private final MacAddress mac;
    private final int[] eeprom = new int[EEPROM_WORDS];
    private final int[] regs = new int[(int) (BAR0_SIZE / 4)];
    private final Mmio mmio = new MmioWindow(BAR0_SIZE, this::read, this::write);
    private EthernetLink.Attachment wire;
    private MdioBus mdio;
    private boolean linkUp;
    private long epoch;

    /**
     * @param latencyNanos how long after TDT is written the ring is processed, at least 1
     */
    public E1000(PhysicalMemory memory, Timeline timeline, InterruptLine interrupt, MacAddress mac, long latencyNanos) {
        if (latencyNanos < 1) {
            throw new IllegalArgumentException("NIC latency must be at least 1 ns");
        }
        this.memory = memory;
        this.timeline = timeline;
        this.interrupt = interrupt;
        this.latencyNanos = latencyNanos;
        this.mac = mac;
        byte[] b = mac.bytes();
        int sum = 0;
        for (int i = 0; i < 3; i++) {
            eeprom[i] = b[2 * i] & 0xff | (b[2 * i + 1] & 0xff) << 8;
            sum += eeprom[i];
        }
        eeprom[EEPROM_WORDS - 1] = 0xbaba - sum & 0xffff;
        reset();
    }

    /** The BAR0 register window. */
    public Mmio mmio() {
        return mmio;
    }

    /** The NIC's interrupt line (INTA#). */
    public InterruptLine interrupt() {
        return interrupt;
    }

    /** The address in the EEPROM. */
    public MacAddress mac() {
        return mac;
    }

    /** Plugs this NIC into {@code link}, unplugging it from any previous one; the carrier change is an LSC. */
    public void connect(EthernetLink link) {
        EthernetLink.Attachment old;
        synchronized (this) {
            old = wire;
            wire = null;
        }
        if (old != null) {
            old.detach();
        }
        EthernetLink.Attachment fresh = link.attach(this);
        synchronized (this) {
            wire = fresh;
        }
        linkChanged(fresh.up());
    }

    /** Unplugs the NIC: the link goes down. */
    public void disconnect() {
        EthernetLink.Attachment old;
        synchronized (this) {
            old = wire;
            wire = null;
        }
        if (old != null) {
            old.detach();
            linkChanged(false);
        }
    }

    /**
     * Puts {@code bus} on the NIC's MDIO pins: MDIC reads and writes to PHY addresses other than the internal
     * PHY's go to it from now on (null takes it off again). A device reset keeps it, as a wire would.
     */
    public synchronized void attachMdio(MdioBus bus) {
        mdio = bus;
    }

    /** Registers to their power-on values; the MAC comes back from the EEPROM into RAL0/RAH0. */
    private void reset() {
        Arrays.fill(regs, 0);
        regs[CTRL / 4] = CTRL_FD | CTRL_SLU;
        regs[RAL0 / 4] = eeprom[0] | eeprom[1] << 16;
        regs[RAH0 / 4] = eeprom[2] | RAH_AV;
        epoch++;
    }

    private synchronized int read(int offset) {
        return switch (offset) {
            case STATUS -> STATUS_FD | STATUS_SPEED_1000 | (linkUp ? STATUS_LU : 0);
            case EECD -> regs[EECD / 4] | EECD_PRESENT;
            case ICR -> {
                int causes = regs[ICR / 4];
                regs[ICR / 4] = 0;
                yield causes;
            }
            case MPC, GPRC, GPTC, ROC, TPR, TPT -> {
                int count = regs[offset / 4];
                regs[offset / 4] = 0;
                yield count;
            }
            default -> regs[offset / 4];
        };
    }

    private void write(int offset, int value) {
        Effects fx = new Effects();
        synchronized (this) {
            switch (offset) {
                case CTRL -> {
                    if ((value & CTRL_RST) != 0) {
                        reset();
                    } else {
                        regs[CTRL / 4] = value;
                    }
                }
                case STATUS, MPC, GPRC, GPTC, ROC, TPR, TPT -> {
                    // Read-only.
                }
                case EERD -> regs[EERD / 4] = (value & EERD_START) == 0 ? value : eepromRead(value >>> 8 & 0xff);
                case MDIC -> regs[MDIC / 4] = mdic(value);
                case ICR -> regs[ICR / 4] &= ~value;
                case ICS -> cause(value, fx);
                case IMS -> {
                    regs[IMS / 4] |= value;
                    if ((regs[ICR / 4] & value) != 0) {
                        fx.add(interrupt::raise);
                    }
                }
                case IMC -> regs[IMS / 4] &= ~value;
                case TDT, TCTL -> {
                    regs[offset / 4] = value;
                    scheduleTransmit(fx);
                }
                default -> regs[offset / 4] = value;
            }
        }
        fx.run();
    }

    private int eepromRead(int address) {
        int data = address < EEPROM_WORDS ? eeprom[address] : 0;
        return data << 16 | address << 8 | EERD_DONE;
    }

    /** A PHY register access through MDIC: the internal PHY at address 1 or whatever the MDIO bus holds. */
    private int mdic(int value) {
        int phy = value >>> 21 & 0x1f;
        int register = value >>> 16 & 0x1f;
        int op = value & MDIC_OP_MASK;
        if (phy != PHY_ADDRESS) {
            return externalMdic(value, phy, register, op);
        }
        if (op != MDIC_OP_READ) {
            return value | MDIC_READY; // writes are accepted; this PHY's registers are fixed
        }
        int data = switch (register) {
            case 0 -> 0x1140; // auto-negotiation enabled, full duplex, 1000 Mb/s
            case 1 -> linkUp ? 0x796d : 0x7949; // link status and auto-negotiation complete follow the wire
            case 2 -> 0x0141;
            case 3 -> 0x0c20;
            default -> 0;
        };
        return value & ~0xffff | data | MDIC_READY;
    }

    /** MDIC to another PHY address: ERROR when no bus is attached, nothing answers, or the opcode is reserved. */
    private int externalMdic(int value, int phy, int register, int op) {
        if (mdio != null && op == MDIC_OP_READ) {
            int data = mdio.read(phy, register);
            if (data >= 0) {
                return value & ~0xffff | data & 0xffff | MDIC_READY;
            }
        } else if (mdio != null && op == MDIC_OP_WRITE && mdio.write(phy, register, value & 0xffff)) {
            return value | MDIC_READY;
        }
        return value | MDIC_READY | MDIC_ERROR;
    }

    private void cause(int causes, Effects fx) {
        regs[ICR / 4] |= causes;
        if ((causes & regs[IMS / 4]) != 0) {
            fx.add(interrupt::raise);
        }
    }

    private void scheduleTransmit(Effects fx) {
        if ((regs[TCTL / 4] & TCTL_EN) == 0 || regs[TDH / 4] == regs[TDT / 4]) {
            return;
        }
        long scheduledEpoch = epoch;
        fx.add(() -> timeline.schedule(timeline.now() + latencyNanos, () -> transmit(scheduledEpoch)));
    }

    /** Sends every frame between TDH and TDT, writes back DD where RS asks, then TXDW and TXQE. */
    private void transmit(long scheduledEpoch) {
        Effects fx = new Effects();
        List<byte[]> frames = new ArrayList<>();
        EthernetLink.Attachment out;
        synchronized (this) {
            if (scheduledEpoch != epoch || (regs[TCTL / 4] & TCTL_EN) == 0) {
                return;
            }
            out = wire;
            if (processTxRing(frames)) {
                cause(ICR_TXDW | ICR_TXQE, fx);
            }
            regs[GPTC / 4] += frames.size();
            regs[TPT / 4] += frames.size();
        }
        if (out != null && !frames.isEmpty()) {
            out.transmit(frames);
        }
        fx.run();
    }

    /** Walks the transmit ring; false when it did nothing (no descriptors or a ring that makes no sense). */
    private boolean processTxRing(List<byte[]> frames) {
        long base = ringBase(TDBAL, TDBAH);
        int count = ringSize(TDLEN);
        int head = regs[TDH / 4];
        int tail = regs[TDT / 4];
        if (!validRing(count, head, tail) || head == tail) {
            return false;
        }
        boolean pad = (regs[TCTL / 4] & TCTL_PSP) != 0;
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        byte[] desc = new byte[DESC_SIZE];
        for (int i = 0; i < count && head != tail; i++) {
            long address = base + (long) head * DESC_SIZE;
            if (!memory.read(address, desc, 0, DESC_SIZE)) {
                break;
            }
            int cmd = desc[11] & 0xff;
            int length = Bytes.le16(desc, 8);
            if ((cmd & (TX_DEXT | TX_EOP)) == TX_EOP && frame.size() == 0 && length > 0 && length <= MAX_FRAME) {
                // A whole frame in one descriptor, as a driver sends most: read straight into the frame.
                byte[] whole = new byte[pad ? Math.max(length, MIN_FRAME) : length];
                if (memory.read(Bytes.le64(desc, 0), whole, 0, length)) {
                    frames.add(whole);
                }
            } else if ((cmd & TX_DEXT) == 0 && frame.size() + length <= MAX_FRAME) {
                byte[] data = new byte[length];
                if (memory.read(Bytes.le64(desc, 0), data, 0, length)) {
                    frame.write(data, 0, length);
                }
            }
            if ((cmd & TX_EOP) != 0) {
                if ((cmd & TX_DEXT) == 0 && frame.size() > 0) {
                    frames.add(padded(frame.toByteArray(), pad));
                }
                frame.reset();
            }
            if ((cmd & TX_RS) != 0) {
                memory.write(address + 12, new byte[] {DESC_DD}, 0, 1);
            }
            head = (head + 1) % count;
        }
        regs[TDH / 4] = head;
        return true;
    }

    /** A ring's base address; descriptors are 16-byte aligned. */
    private long ringBase(int lowRegister, int highRegister) {
        return Integer.toUnsignedLong(regs[lowRegister / 4]) & ~0xfL | (long) regs[highRegister / 4] << 32;
    }

    /** Descriptors in a ring: its LEN register counts bytes in multiples of 128. */
    private int ringSize(int lengthRegister) {
        return (regs[lengthRegister / 4] & 0xfff80) / DESC_SIZE;
    }

    private static boolean validRing(int count, int head, int tail) {
        return count > 0 && head >= 0 && head < count && tail >= 0 && tail < count;
    }

    private static byte[] padded(byte[] frame, boolean pad) {
        return pad && frame.length < MIN_FRAME ? Arrays.copyOf(frame, MIN_FRAME) : frame;
    }

    /** A frame from the wire. */
    @Override
    public void receive(byte[] frame) {
        receive(List.of(frame));
    }

    /** Frames that arrived together: each stored or missed, then one interrupt for them all. */
    @Override
    public void receive(List<byte[]> frames) {
        Effects fx = new Effects();
        synchronized (this) {
            int causes = 0;
            for (byte[] frame : frames) {
                int rctl = regs[RCTL / 4];
                if ((rctl & RCTL_EN) != 0 && linkUp && frame.length >= 6 && accepts(frame, rctl)) {
                    if (frame.length > ((rctl & RCTL_LPE) != 0 ? MAX_LONG_RX : MAX_SHORT_RX)) {
                        regs[ROC / 4]++;
                    } else if (store(frame)) {
                        regs[GPRC / 4]++;
                        regs[TPR / 4]++;
                        causes |= ICR_RXT0;
                    } else {
                        regs[MPC / 4]++;
                        causes |= ICR_RXO;
                    }
                }
            }
            if (causes != 0) {
                cause(causes, fx);
            }
        }
        fx.run();
    }

    private boolean accepts(byte[] frame, int rctl) {
        long dst = 0;
        for (int i = 0; i < 6; i++) {
            dst = dst << 8 | frame[i] & 0xff;
        }
        if (dst == 0xffff_ffff_ffffL) {
            return (rctl & RCTL_BAM) != 0 || (rctl & RCTL_MPE) != 0;
        }
        if ((frame[0] & 1) != 0) {
            int hash = ((frame[4] & 0xff) >>> 4 | (frame[5] & 0xff) << 4) & 0xfff;
            return (rctl & RCTL_MPE) != 0 || (regs[MTA / 4 + (hash >>> 5)] & 1 << (hash & 31)) != 0;
        }
        if ((rctl & RCTL_UPE) != 0) {
            return true;
        }
        for (int i = 0; i < 16; i++) {
            int low = regs[RAL0 / 4 + 2 * i];
            int high = regs[RAH0 / 4 + 2 * i];
            long address = Integer.toUnsignedLong(Integer.reverseBytes(low)) << 16
                    | Integer.reverseBytes(high & 0xffff) >>> 16 & 0xffff;
            if ((high & RAH_AV) != 0 && address == dst) {
                return true;
            }
        }
        return false;
    }

    /** Writes a frame into as many receive descriptors as it needs; false when it does not fit. */
    private boolean store(byte[] frame) {
        long base = ringBase(RDBAL, RDBAH);
        int count = ringSize(RDLEN);
        int head = regs[RDH / 4];
        int tail = regs[RDT / 4];
        if (!validRing(count, head, tail)) {
            return false;
        }
        int bufferSize = bufferSize(regs[RCTL / 4]);
        int needed = Math.max(1, (frame.length + bufferSize - 1) / bufferSize);
        int free = (tail - head + count) % count;
        if (needed > free) {
            return false;
        }
        byte[] desc = new byte[DESC_SIZE];
        for (int i = 0; i < needed; i++) {
            long address = base + (long) head * DESC_SIZE;
            int offset = i * bufferSize;
            int length = Math.min(bufferSize, frame.length - offset);
            if (!memory.read(address, desc, 0, 8) || !memory.write(Bytes.le64(desc, 0), frame, offset, length)) {
                regs[RDH / 4] = head;
                return false;
            }
            Arrays.fill(desc, 8, DESC_SIZE, (byte) 0);
            Bytes.put16(desc, 8, length);
            desc[12] = (byte) (DESC_DD | (i == needed - 1 ? RX_EOP : 0));
            memory.write(address + 8, desc, 8, 8);
            head = (head + 1) % count;
        }
        regs[RDH / 4] = head;
        return true;
    }

    /** RCTL.BSIZE, times 16 when BSEX is set. */
    private static int bufferSize(int rctl) {
        int size = 2048 >> (rctl >>> 16 & 3);
        return (rctl & RCTL_BSEX) != 0 && size != 2048 ? size * 16 : size;
    }

    /** The wire's carrier changed: STATUS.LU follows, and LSC is signalled. */
    @Override
    public void linkChanged(boolean up) {
        Effects fx = new Effects();
        synchronized (this) {
            if (up == linkUp) {
                return;
            }
            linkUp = up;
            cause(ICR_LSC, fx);
        }
        fx.run();
    }
}
