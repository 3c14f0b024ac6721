package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.kernel.machine.SwitchRig.*;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microsim.kernel.InterruptLine;

/** The MT7531 model behind an e1000, through the NIC's MDIC and rings only (qtest style). */
class Mt7531Test {
    // From Linux drivers/net/dsa/mt7530.h, written here independently of the model.
    static final int MFC = 0x10, SYS_CTRL = 0x7000, CREV = 0x781c, SW_RST = 1 << 1, PORT_SPEC_TAG = 1 << 5;
    static final int PMSR_LINK = 1, PMSR_DPX = 2, PMSR_1000 = 2 << 2;

    static int pcr(int port) {
        return 0x2004 + 0x100 * port;
    }

    static int pvc(int port) {
        return 0x2010 + 0x100 * port;
    }

    static int pmcr(int port) {
        return 0x3000 + 0x100 * port;
    }

    static int pmsr(int port) {
        return 0x3008 + 0x100 * port;
    }

    final SwitchRig rig = new SwitchRig(4);
    final RecordingLink[] wires = new RecordingLink[4];

    @BeforeEach
    void plugPorts() {
        for (int port = 0; port < 4; port++) {
            wires[port] = new RecordingLink();
            rig.sw.connectPort(port, wires[port]);
        }
    }

    void enableTag() {
        rig.switchWrite(pvc(6), rig.switchRead(pvc(6)) | PORT_SPEC_TAG);
    }

    /** A frame to {@code to} from another station, {@code length} bytes of {@code fill} after the ethertype. */
    static byte[] frame(String to, int type, int length, int fill) {
        byte[] f = new byte[length];
        Arrays.fill(f, (byte) fill);
        System.arraycopy(MacAddress.parse(to).bytes(), 0, f, 0, 6);
        System.arraycopy(MacAddress.parse("02:00:00:00:00:07").bytes(), 0, f, 6, 6);
        f[12] = (byte) (type >>> 8);
        f[13] = (byte) type;
        return f;
    }

    /** {@code frame} with the 4-byte special tag inserted after the source MAC. */
    static byte[] tagged(byte[] frame, int b12, int b13, int b14, int b15) {
        byte[] f = new byte[frame.length + 4];
        System.arraycopy(frame, 0, f, 0, 12);
        f[12] = (byte) b12;
        f[13] = (byte) b13;
        f[14] = (byte) b14;
        f[15] = (byte) b15;
        System.arraycopy(frame, 12, f, 16, frame.length - 12);
        return f;
    }

    @Test
    void chipIdReadsThroughMdicPaging() {
        int crev = rig.switchRead(CREV);
        assertEquals(0x7531, crev >>> 16, "MT7531 in CREV's upper half");
        assertEquals(CREV >>> 6, rig.mdioRead(0x1f, 0x1f), "the page register reads back");
        assertEquals(Mt7531.CREV_VALUE, crev);
        assertEquals(Mt7531.CREV, CREV);
        assertEquals(SWITCH_PHY, Mt7531.MDIO_ADDRESS);
        assertTrue(rig.switchRead(0x7800) != 0, "HWTRAP is non-zero: the chip is ready");
        rig.switchWrite(CREV, 0);
        assertEquals(crev, rig.switchRead(CREV), "CREV is read-only");
    }

    @Test
    void otherPhyAddressesAndANicWithoutBusAnswerError() {
        assertEquals(MDIC_ERROR, rig.mdic(MDIC_READ, 5, 2, 0) & MDIC_ERROR, "nothing at PHY 5");
        assertEquals(MDIC_ERROR, rig.mdic(MDIC_WRITE, 5, 0, 1) & MDIC_ERROR);
        assertEquals(0x0141, rig.mdioRead(1, 2), "the internal PHY still answers");
        rig.mdioWrite(1, 0, 0x8000); // accepted
        assertEquals(MDIC_ERROR, rig.mdic(0, 0x1f, 0, 0) & MDIC_ERROR, "a reserved opcode");
        rig.nic.attachMdio(null);
        assertEquals(MDIC_ERROR, rig.mdic(MDIC_READ, 0x1f, 0x1f, 0) & MDIC_ERROR, "no bus attached");
        assertEquals(MDIC_ERROR, rig.mdic(MDIC_WRITE, 0x1f, 0x1f, 0) & MDIC_ERROR);
    }

    @Test
    void registersHoldWritesAndTheHighHalfCommits() {
        rig.switchWrite(pmcr(2), 0x1234_5678);
        assertEquals(0x1234_5678, rig.switchRead(pmcr(2)));
        assertEquals(0, rig.switchRead(pmcr(3)), "another port's copy is untouched");
        rig.switchWrite(MFC, 0xcafe_f00d);
        assertEquals(0xcafe_f00d, rig.switchRead(MFC));
        rig.mdioWrite(0x1f, 0x1f, pmcr(2) >>> 6);
        rig.mdioWrite(0x1f, pmcr(2) >>> 2 & 0xf, 0xffff);
        assertEquals(0x1234_5678, rig.switchRead(pmcr(2)), "a low half alone is not written");
    }

    @Test
    void taggedFrameGoesOnlyToItsPortUntagged() {
        enableTag();
        byte[] payload = frame("ff:ff:ff:ff:ff:ff", 0x0800, 80, 0x5a);
        rig.transmit(tagged(payload, 0, 1 << 2, 0, 0));
        assertEquals(1, wires[2].sent.size());
        assertArrayEquals(payload, wires[2].sent.get(0), "the special tag is stripped");
        for (int port : new int[] {0, 1, 3}) {
            assertEquals(0, wires[port].sent.size(), "port " + port);
        }
        assertEquals(0, rig.sw.dropped());
        assertNull(rig.received(), "nothing comes back to the NIC");
    }

    @Test
    void vlanTaggedFrameLeavesWithItsVlanHeader() {
        enableTag();
        byte[] inner = frame("02:00:00:00:00:01", 0x0800, 70, 0x11);
        // What the tagger builds from an 802.1Q frame: the tag in place of TPID 0x8100, the TCI kept.
        byte[] sent = tagged(inner, 1, 1 << 1 | 1 << 3, 0x20, 0x05);
        rig.transmit(sent);
        byte[] expected = sent.clone();
        expected[12] = (byte) 0x81;
        expected[13] = 0x00;
        assertArrayEquals(expected, wires[1].take().get(0));
        assertArrayEquals(expected, wires[3].take().get(0), "two ports in the mask");
        rig.transmit(tagged(inner, 2, 1, 0x00, 0x07));
        byte[] ad = wires[0].take().get(0);
        assertEquals(0x88a8, (ad[12] & 0xff) << 8 | ad[13] & 0xff);
        assertEquals(7, ad[15]);
    }

    @Test
    void frameFromAUserPortArrivesTaggedWithItsPort() {
        enableTag();
        byte[] in = frame("52:54:00:12:34:56", 0x0806, 64, 0x33);
        wires[3].inject(in);
        assertArrayEquals(tagged(in, 0, 3, 0, 0), rig.received());
        for (int port = 0; port < 4; port++) {
            assertEquals(0, wires[port].sent.size(), "standalone ports do not forward to each other");
        }
        wires[0].inject(in);
        byte[] got = rig.received();
        int word = (got[12] & 0xff) << 8 | got[13] & 0xff;
        assertEquals(0, word & 7, "bits 2:0 of the big-endian word name port 0");
    }

    @Test
    void withoutTheTagTheSwitchFloods() {
        byte[] out = frame("ff:ff:ff:ff:ff:ff", 0x0800, 60, 0x44);
        rig.transmit(out);
        for (int port = 0; port < 4; port++) {
            assertArrayEquals(out, wires[port].take().get(0), "port " + port);
        }
        byte[] in = frame("ff:ff:ff:ff:ff:ff", 0x0800, 60, 0x55);
        wires[1].inject(in);
        assertArrayEquals(in, rig.received(), "to the NIC untagged");
        assertEquals(0, wires[1].take().size(), "not back out of the port it came in on");
        for (int port : new int[] {0, 2, 3}) {
            assertArrayEquals(in, wires[port].take().get(0), "port " + port);
        }
    }

    @Test
    void portMatrixLimitsFlooding() {
        rig.switchWrite(pcr(6), 1 << 1 << 16); // the CPU port may reach port 1 only
        rig.transmit(frame("ff:ff:ff:ff:ff:ff", 0x0800, 60, 1));
        assertEquals(1, wires[1].take().size());
        assertEquals(0, wires[0].take().size() + wires[2].take().size() + wires[3].take().size());
        rig.switchWrite(pcr(2), 0); // port 2 may reach nobody
        wires[2].inject(frame("ff:ff:ff:ff:ff:ff", 0x0800, 60, 2));
        assertNull(rig.received());
        assertEquals(1, rig.sw.dropped());
    }

    @Test
    void pmsrLinkFollowsEachPortsWire() {
        int full1000 = PMSR_DPX | PMSR_1000;
        assertEquals(full1000 | PMSR_LINK, rig.switchRead(pmsr(1)));
        assertEquals(full1000 | PMSR_LINK, rig.switchRead(pmsr(6)), "the NIC is on the CPU port");
        wires[1].setUp(false);
        assertEquals(full1000, rig.switchRead(pmsr(1)));
        assertEquals(PMSR_LINK, rig.switchRead(pmsr(2)) & PMSR_LINK, "other ports keep their link");
        wires[1].setUp(true);
        assertEquals(full1000 | PMSR_LINK, rig.switchRead(pmsr(1)));
        rig.sw.disconnectPort(1);
        assertEquals(0, rig.switchRead(pmsr(1)) & PMSR_LINK);
        assertEquals(0, rig.switchRead(pmsr(4)), "no port 4 on a 4-port switch");
        rig.switchWrite(pmsr(2), 0);
        assertEquals(PMSR_LINK, rig.switchRead(pmsr(2)) & PMSR_LINK, "PMSR is read-only");
        assertEquals(0x2, rig.bar.read32(0x8) & 0x2, "the NIC sees link up on the CPU port");
    }

    @Test
    void downPortsGetNothingAndAFrameWithNowhereToGoIsCounted() {
        enableTag();
        wires[2].setUp(false);
        rig.transmit(tagged(frame("ff:ff:ff:ff:ff:ff", 0x0800, 60, 1), 0, 1 << 2, 0, 0));
        assertEquals(0, wires[2].sent.size());
        assertEquals(1, rig.sw.dropped());
    }

    @Test
    void softwareResetRestoresPowerOnValues() {
        int pvc6 = rig.switchRead(pvc(6));
        int pcr0 = rig.switchRead(pcr(0));
        enableTag();
        rig.switchWrite(pcr(0), 0);
        rig.switchWrite(pmcr(1), 0x5555);
        rig.switchWrite(SYS_CTRL, SW_RST);
        assertEquals(0, rig.switchRead(SYS_CTRL) & SW_RST, "the reset bit clears itself");
        assertEquals(pvc6, rig.switchRead(pvc(6)));
        assertEquals(0, rig.switchRead(pvc(6)) & PORT_SPEC_TAG, "the tag is off again");
        assertEquals(pcr0, rig.switchRead(pcr(0)));
        assertEquals(0, rig.switchRead(pmcr(1)));
        assertEquals(0x7531, rig.switchRead(CREV) >>> 16);
        assertEquals(PMSR_LINK, rig.switchRead(pmsr(0)) & PMSR_LINK, "the wires are still plugged in");
        byte[] out = frame("ff:ff:ff:ff:ff:ff", 0x0800, 60, 9);
        rig.transmit(out);
        assertArrayEquals(out, wires[3].take().get(0), "flooding, untagged, again");
    }

    @Test
    void shortAndMalformedFramesAreDroppedAndCounted() {
        rig.transmit(new byte[13]);
        wires[0].inject(new byte[5]);
        assertEquals(2, rig.sw.dropped());
        enableTag();
        rig.transmit(new byte[17]); // a header and a tag need 18
        rig.transmit(tagged(frame("ff:ff:ff:ff:ff:ff", 0x0800, 60, 1), 3, 1, 0, 0)); // no such tag type
        rig.transmit(tagged(frame("ff:ff:ff:ff:ff:ff", 0x0800, 60, 1), 0, 0x81, 0, 0)); // reserved bit 7
        rig.transmit(tagged(frame("ff:ff:ff:ff:ff:ff", 0x0800, 60, 1), 0, 1 << 6 | 1 << 5, 0, 0)); // no user port
        assertEquals(6, rig.sw.dropped());
        for (RecordingLink wire : wires) {
            assertEquals(0, wire.sent.size());
        }
        assertNull(rig.received());
    }

    @Test
    void loopedCablesInFloodingModeEndAndCountTheLoop() {
        LoopbackLink a = new LoopbackLink();
        LoopbackLink b = new LoopbackLink();
        rig.sw.connectPort(0, a);
        rig.sw.connectPort(1, b);
        rig.transmit(frame("ff:ff:ff:ff:ff:ff", 0x0800, 60, 1));
        assertTrue(rig.sw.dropped() > 0, "the storm is cut and counted");
    }

    @Test
    void portsAreCheckedByTheOwner() {
        assertThrows(IllegalArgumentException.class, () -> new Mt7531(0));
        assertThrows(IllegalArgumentException.class, () -> new Mt7531(6));
        assertEquals(4, new Mt7531().userPorts());
        assertEquals(5, new Mt7531(5).userPorts());
        assertThrows(IllegalArgumentException.class, () -> rig.sw.connectPort(4, new RecordingLink()));
        assertThrows(IllegalArgumentException.class, () -> rig.sw.disconnectPort(-1));
    }

    @Test
    void aNicUnpluggedFromTheSwitchLeavesTheCpuPortDown() {
        rig.nic.disconnect();
        assertEquals(0, rig.switchRead(pmsr(6)) & PMSR_LINK);
        wires[0].inject(frame("ff:ff:ff:ff:ff:ff", 0x0800, 60, 1));
        assertNull(rig.received());
        E1000 other = new E1000(rig.memory, rig.timeline, new InterruptLine(12), MAC, 1000);
        other.connect(rig.sw);
        assertEquals(PMSR_LINK, rig.switchRead(pmsr(6)) & PMSR_LINK);
    }
}
