package org.microsim.drivers.ethd;

/**
 * A MediaTek MT7531 switch behind the NIC, as Linux's DSA driver reaches it: its registers over the NIC's MDIO
 * bus, and the MediaTek special tag on every frame between the NIC and the switch's CPU port.
 *
 * <h2>Registers over MDIO (Linux mt7530.c, mt7530_mii_read/write)</h2>
 * A 32-bit register {@code reg} is reached through PHY address 0x1f: the page {@code reg >> 6} is written to its
 * register 0x1f, then the low half is at register {@code (reg >> 2) & 0xf} and the high half at register 0x10.
 * The chip is recognised by its id register (MT7531_CREV, 0x781c, chip id 0x7531 in bits 31:16); a user port
 * exists when its port control register (PCR_P) reads back a port matrix, and its link is bit 0 of PMSR_P.
 *
 * <h2>The special tag (Linux net/dsa/tag_mtk.c)</h2>
 * Four bytes after the source address. Towards the switch: byte 0 is 0 (untagged), byte 1 the destination
 * port mask, bytes 2 and 3 zero. From the switch: the source port is bits 2:0 of the big-endian word in bytes 0-1.
 *
 * <pre>
 *   | dst 6 | src 6 | tag 4 | type 2 | payload ...        tag out: 00 (1&lt;&lt;port) 00 00
 *                                                         tag in:  word0 &amp; 7 = source port
 * </pre>
 */
final class SwitchChip {
    static final int MDIO_PHY = 0x1f;
    static final int CREV = 0x781c;
    static final int CHIP_ID = 0x7531;
    static final int CPU_PORT = 6;
    static final int MAX_USER_PORTS = 5;
    static final int TAG = 4;
    private static final int PCR_P = 0x2004;
    private static final int PVC_P = 0x2010;
    private static final int PMSR_P = 0x3008;
    private static final int PORT_SPEC_TAG = 1 << 5;
    private static final int PMSR_LINK = 1;
    private static final int PORT_MATRIX = 0xff << 16;

    private final Nic nic;
    private final int userPorts;

    private SwitchChip(Nic nic, int userPorts) {
        this.nic = nic;
        this.userPorts = userPorts;
    }

    /** The switch behind {@code nic} with its special tag turned on, or null when there is none. */
    static SwitchChip probe(Nic nic) {
        long id = read(nic, CREV);
        if (id < 0 || id >>> 16 != CHIP_ID) {
            return null;
        }
        int ports = 0;
        while (ports < MAX_USER_PORTS) {
            long pcr = read(nic, PCR_P + 0x100 * ports);
            if (pcr < 0 || (pcr & PORT_MATRIX) == 0) {
                break;
            }
            ports++;
        }
        int pvc = PVC_P + 0x100 * CPU_PORT;
        long value = read(nic, pvc);
        if (ports == 0 || value < 0 || !write(nic, pvc, (int) value | PORT_SPEC_TAG)) {
            return null;
        }
        return new SwitchChip(nic, ports);
    }

    /** How many user ports the switch has (sw0 to sw(n-1)). */
    int userPorts() {
        return userPorts;
    }

    /** Whether user port {@code port} has link (PMSR_P.LINK). */
    boolean linkUp(int port) {
        long v = read(nic, PMSR_P + 0x100 * port);
        return v >= 0 && (v & PMSR_LINK) != 0;
    }

    /** {@code frame} with the tag that sends it out of user port {@code port} only. */
    static byte[] tagFor(byte[] frame, int port) {
        byte[] out = new byte[frame.length + TAG];
        System.arraycopy(frame, 0, out, 0, 12);
        out[13] = (byte) (1 << port);
        System.arraycopy(frame, 12, out, 12 + TAG, frame.length - 12);
        return out;
    }

    /** The user port a tagged frame came in on, or -1 when it is too short to carry a tag. */
    static int sourcePort(byte[] frame) {
        return frame.length < 12 + TAG + 2 ? -1 : ((frame[12] & 0xff) << 8 | frame[13] & 0xff) & 7;
    }

    /** {@code frame} without its tag. */
    static byte[] untag(byte[] frame) {
        byte[] out = new byte[frame.length - TAG];
        System.arraycopy(frame, 0, out, 0, 12);
        System.arraycopy(frame, 12 + TAG, out, 12, out.length - 12);
        return out;
    }

    /** A 32-bit switch register, or -1 when the MDIO bus does not answer. */
    private static long read(Nic nic, int register) {
        if (!nic.mdioWrite(MDIO_PHY, 0x1f, register >>> 6 & 0x3ff)) {
            return -1;
        }
        int low = nic.mdioRead(MDIO_PHY, register >>> 2 & 0xf);
        int high = nic.mdioRead(MDIO_PHY, 0x10);
        return low < 0 || high < 0 ? -1 : (long) high << 16 | low;
    }

    private static boolean write(Nic nic, int register, int value) {
        return nic.mdioWrite(MDIO_PHY, 0x1f, register >>> 6 & 0x3ff)
                && nic.mdioWrite(MDIO_PHY, register >>> 2 & 0xf, value & 0xffff)
                && nic.mdioWrite(MDIO_PHY, 0x10, value >>> 16);
    }
}
