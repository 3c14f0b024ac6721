package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.DmaBuffer;

/** The xHCI model at register level, without a driver: bring-up, commands, transfers, ports, errors. */
class XhciControllerTest {
    private static final int PORTSC1 = 0x440;

    @Test
    void capabilitiesAndResetReadAsTheSpecLaysThemOut() {
        XhciClient c = new XhciClient();
        assertEquals(0x40, c.bar.read32(0) & 0xff);
        assertEquals(0x0100, c.bar.read32(0) >>> 16);
        int hcs1 = c.bar.read32(4);
        assertEquals(64, hcs1 & 0xff);
        assertEquals(8, hcs1 >>> 24);
        assertEquals(0x2000, c.bar.read32(0x14));
        assertEquals(0x1000, c.bar.read32(0x18));
        int xecp = (c.bar.read32(0x10) >>> 16) * 4;
        assertEquals(2, c.bar.read32(xecp) & 0xff); // Supported Protocol
        assertEquals(0x02, c.bar.read32(xecp) >>> 24);
        assertEquals(0x20425355, c.bar.read32(xecp + 4));
        assertEquals(1 | 4 << 8, c.bar.read32(xecp + 8) & 0xffff);
        int next = xecp + ((c.bar.read32(xecp) >>> 8) & 0xff) * 4;
        assertEquals(0x03, c.bar.read32(next) >>> 24);
        assertEquals(5 | 4 << 8, c.bar.read32(next + 8) & 0xffff);
        assertEquals(1, c.bar.read32(XhciClient.USBSTS) & 1, "halted before RS");
        c.start();
        assertEquals(0, c.bar.read32(XhciClient.USBSTS) & 1, "running");
        c.bar.write32(XhciClient.USBCMD, XhciClient.HCRST);
        assertEquals(0, c.bar.read32(XhciClient.USBCMD));
        assertEquals(1, c.bar.read32(XhciClient.USBSTS) & 1);
    }

    @Test
    void aNoOpCommandCompletesWithCycleBitsAndAnInterrupt() {
        XhciClient c = new XhciClient();
        c.start(4, 4);
        for (int i = 0; i < 20; i++) { // past the command ring's Link TRB and round both event segments
            XhciClient.Event e = c.command(0, 0, 23 << 10);
            assertEquals(1, e.code());
        }
        assertTrue(c.irq.raisedCount() >= 20);
        assertEquals(5, c.command(0, 0, 31 << 10).code(), "an unknown command is a TRB Error");
        assertEquals(11, c.command(0, 0, 5 << 24 | 10 << 10).code(), "Disable Slot of a slot never enabled");
    }

    @Test
    void usb2PortsNeedAResetWhileUsb3PortsComeUpEnabledAndChangeBitsClearExactly() {
        XhciClient c = new XhciClient();
        c.start();
        UsbStick stick = new UsbStick(new MemoryImage(64), "S1");
        assertNull(c.hc.attach(List.of(2), stick));
        int portsc = c.bar.read32(PORTSC1 + 0x10);
        assertEquals(1, portsc & 1, "CCS");
        assertEquals(0, portsc & 2, "not enabled");
        assertEquals(7, portsc >>> 5 & 0xf, "polling");
        assertEquals(3, portsc >>> 10 & 0xf, "high speed");
        assertTrue((portsc & 1 << 17) != 0, "CSC");
        c.timeline.runUntilIdle();
        List<XhciClient.Event> events = c.events();
        assertEquals(34, events.getFirst().type());
        assertEquals(2, events.getFirst().parameter() >>> 24);
        c.bar.write32(PORTSC1 + 0x10, portsc & ~(1 << 17)); // writing back without CSC leaves it
        assertTrue((c.bar.read32(PORTSC1 + 0x10) & 1 << 17) != 0);
        c.bar.write32(PORTSC1 + 0x10, 1 << 17 | 1 << 9);
        assertEquals(0, c.bar.read32(PORTSC1 + 0x10) & 1 << 17);
        c.bar.write32(PORTSC1 + 0x10, 1 << 4 | 1 << 9); // PR
        portsc = c.bar.read32(PORTSC1 + 0x10);
        assertEquals(1 << 4, portsc & (1 << 4 | 2), "resetting: PR reads 1, not enabled yet");
        c.timeline.runUntilIdle();
        assertEquals(List.of(2L), c.events().stream().filter(e -> e.type() == 34).map(e -> e.parameter() >>> 24)
                .toList(), "the reset's end is a Port Status Change of port 2");
        portsc = c.bar.read32(PORTSC1 + 0x10);
        assertEquals(2, portsc & (1 << 4 | 2), "enabled after reset, PR back to 0");
        assertTrue((portsc & 1 << 21) != 0, "PRC");
        assertEquals(0, portsc >>> 5 & 0xf, "U0");
        UsbDevice superSpeed = new FakeDevice(UsbDevice.Speed.SUPER);
        assertTrue(c.hc.attach(List.of(1), superSpeed).contains("USB 3"));
        assertNull(c.hc.attach(List.of(5), superSpeed));
        assertEquals(3, c.bar.read32(PORTSC1 + 0x40) & 3, "USB 3: connected and enabled");
        assertTrue(c.hc.attach(List.of(2), new UsbStick(new MemoryImage(64), "S2")).contains("in use"));
    }

    @Test
    void aStickIsEnumeratedAndReadThroughBulkOnlyTransport() {
        XhciClient c = new XhciClient();
        c.start();
        MemoryImage image = new MemoryImage(64);
        byte[] sector = new byte[512];
        for (int i = 0; i < 512; i++) {
            sector[i] = (byte) (i * 7);
        }
        image.fill(5 * 512, sector, 0, 512);
        Enumerated s = enumerate(c, image);
        List<XhciClient.Event> events = new ArrayList<>();
        byte[] device = c.controlIn(s.ep0, s.slot, 0x80, 6, 0x0100, 0, 18, events);
        assertEquals(18, device[0]);
        assertEquals(0x46f4, Bytes.le16(device, 8));
        // The first command after insertion fails with UNIT ATTENTION: TEST UNIT READY takes it.
        byte[] tur = cbw(76, 0, new byte[6]);
        DmaBuffer turBuffer = c.alloc(31);
        turBuffer.write(0, tur, 0, 31);
        DmaBuffer turCsw = c.alloc(16);
        s.out.put(turBuffer.physAddress(), 31, 1 << 10 | 1 << 5);
        s.in.put(turCsw.physAddress(), 13, 1 << 10 | 1 << 5);
        c.bar.write32(0x2000 + 4L * s.slot, 4);
        c.bar.write32(0x2000 + 4L * s.slot, 3);
        c.timeline.runUntilIdle();
        assertEquals(2, c.events().size());
        assertEquals(76, turCsw.getInt(4));
        assertEquals(1, turCsw.getInt(12) & 0xff, "CHECK CONDITION: command failed");
        // READ(10) of LBA 5, one block: CBW out, data in, CSW in.
        byte[] cbw = cbw(77, 512, new byte[] {0x28, 0, 0, 0, 0, 5, 0, 0, 1, 0});
        DmaBuffer out = c.alloc(31);
        out.write(0, cbw, 0, 31);
        DmaBuffer data = c.alloc(512);
        DmaBuffer csw = c.alloc(16);
        // The IN side first: it is NAKed until the CBW comes, then retried.
        s.in.put(data.physAddress(), 512, 1 << 10 | 1 << 5);
        s.in.put(csw.physAddress(), 13, 1 << 10 | 1 << 5 | 1 << 2);
        c.bar.write32(0x2000 + 4L * s.slot, 3);
        c.timeline.runUntilIdle();
        assertTrue(c.events().isEmpty(), "bulk-in waits for the CBW");
        s.out.put(out.physAddress(), 31, 1 << 10 | 1 << 5);
        c.bar.write32(0x2000 + 4L * s.slot, 4);
        c.timeline.runUntilIdle();
        List<XhciClient.Event> done = c.events();
        assertEquals(3, done.size(), done.toString());
        done.forEach(e -> assertEquals(1, e.code(), done.toString()));
        byte[] got = new byte[512];
        data.read(0, got, 0, 512);
        assertArrayEquals(sector, got);
        assertEquals(0x53425355, csw.getInt(0));
        assertEquals(77, csw.getInt(4));
        assertEquals(0, csw.getInt(8) | csw.getInt(12) & 0xff);
    }

    @Test
    void aStallHaltsTheEndpointUntilResetEndpointAndSetDequeue() {
        XhciClient c = new XhciClient();
        c.start();
        Enumerated s = enumerate(c, new MemoryImage(64));
        List<XhciClient.Event> events = new ArrayList<>();
        c.controlIn(s.ep0, s.slot, 0x80, 6, 0x0900, 0, 8, events); // no such descriptor: STALL
        assertEquals(6, events.getLast().code(), events.toString());
        assertEquals(2, c.readContext(s.slot, 32) & 7, "EP0 halted");
        assertEquals(19, c.command(0, 0, s.slot << 24 | 1 << 16 | 16 << 10).code(), "Set TR Dequeue needs Stopped");
        assertEquals(1, c.command(0, 0, s.slot << 24 | 1 << 16 | 14 << 10).code(), "Reset Endpoint");
        assertEquals(3, c.readContext(s.slot, 32) & 7, "stopped");
        long next = s.ep0.base() + s.ep0.enqueue * 16L;
        assertEquals(1, c.command(next | (s.ep0.cycle ? 1 : 0), 0, s.slot << 24 | 1 << 16 | 16 << 10).code());
        events.clear();
        byte[] device = c.controlIn(s.ep0, s.slot, 0x80, 6, 0x0100, 0, 8, events);
        assertEquals(18, device[0]);
        assertEquals(1, events.getLast().code());
    }

    @Test
    void aShortPacketEndsTheTdWithItsResidual() {
        XhciClient c = new XhciClient();
        c.start();
        Enumerated s = enumerate(c, new MemoryImage(64));
        List<XhciClient.Event> events = new ArrayList<>();
        byte[] device = c.controlIn(s.ep0, s.slot, 0x80, 6, 0x0100, 0, 64, events); // 18 of 64 come
        assertEquals(18, device[0]);
        XhciClient.Event shortPacket = events.stream().filter(e -> e.code() == 13).findFirst().orElseThrow();
        assertEquals(64 - 18, shortPacket.residual());
        assertEquals(1, events.getLast().code(), "the status stage follows");
    }

    @Test
    void detachFailsWaitingTransfersAndReportsTheChange() {
        XhciClient c = new XhciClient();
        Enumerated s = waitingOnBulkIn(c);
        assertTrue(c.events().isEmpty());
        c.hc.detach(List.of(1));
        c.timeline.runUntilIdle();
        List<XhciClient.Event> events = c.events();
        assertTrue(events.stream().anyMatch(e -> e.type() == 34 && e.parameter() >>> 24 == 1), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.type() == 32 && e.code() == 4 && e.endpoint() == 3),
                events.toString());
        assertEquals(0, c.bar.read32(PORTSC1) & 3);
    }

    @Test
    void aStickBehindAHubIsReachedByItsRouteString() {
        XhciClient c = new XhciClient();
        c.start();
        UsbHub hub = new UsbHub(4);
        assertNull(c.hc.attach(List.of(1), hub));
        c.bar.write32(PORTSC1, 1 << 4 | 1 << 9);
        c.timeline.runUntilIdle();
        c.events();
        int hubSlot = c.enableSlot();
        int[] code = new int[1];
        XhciClient.Ring ep0 = c.address(hubSlot, 1, 0, 3, false, code);
        assertEquals(1, code[0]);
        c.controlNoData(ep0, hubSlot, 0, 9, 1, 0); // SET_CONFIGURATION 1
        assertNull(c.hc.attach(List.of(1, 3), new UsbStick(new MemoryImage(64), "S")));
        c.controlNoData(ep0, hubSlot, 0x23, 3, 8, 3); // SET_FEATURE(PORT_POWER) on port 3
        c.controlNoData(ep0, hubSlot, 0x23, 3, 4, 3); // SET_FEATURE(PORT_RESET)
        List<XhciClient.Event> events = new ArrayList<>();
        byte[] status = c.controlIn(ep0, hubSlot, 0xa3, 0, 0, 3, 4, events);
        assertEquals(0x0503, Bytes.le16(status, 0), "powered, connected, enabled, high speed");
        int stickSlot = c.enableSlot();
        XhciClient.Ring stickEp0 = c.address(stickSlot, 1, 3, 3, false, code);
        assertEquals(1, code[0]);
        byte[] device = c.controlIn(stickEp0, stickSlot, 0x80, 6, 0x0100, 0, 18, events);
        assertEquals(0x46f4, Bytes.le16(device, 8));
        int[] wrong = new int[1];
        c.address(c.enableSlot(), 1, 2, 3, false, wrong);
        assertEquals(4, wrong[0], "nothing on hub port 2: USB Transaction Error");
    }

    @Test
    void transferRingsWrapThroughTheirLinkTrbs() {
        XhciClient c = new XhciClient();
        c.start(2, 3);
        Enumerated s = enumerate(c, new MemoryImage(64));
        DmaBuffer cbw = c.alloc(32);
        DmaBuffer csw = c.alloc(16);
        for (int i = 0; i < 25; i++) { // 8-TRB rings: three times round, the cycle bit toggling each time
            byte[] tur = cbw(100 + i, 0, new byte[6]);
            cbw.write(0, tur, 0, 31);
            s.out.put(cbw.physAddress(), 31, 1 << 10 | 1 << 5);
            s.in.put(csw.physAddress(), 13, 1 << 10 | 1 << 5);
            c.bar.write32(0x2000 + 4L * s.slot, 4);
            c.bar.write32(0x2000 + 4L * s.slot, 3);
            c.timeline.runUntilIdle();
            List<XhciClient.Event> events = c.events();
            assertEquals(2, events.size(), "round " + i + ": " + events);
            assertEquals(100 + i, csw.getInt(4));
        }
    }

    @Test
    void anEventDataTrbReportsItsParameterAndTheBytesMoved() {
        XhciClient c = new XhciClient();
        c.start();
        Enumerated s = enumerate(c, new MemoryImage(64));
        DmaBuffer cbw = c.alloc(32);
        byte[] tur = cbw(9, 0, new byte[6]);
        cbw.write(0, tur, 0, 31);
        s.out.put(cbw.physAddress(), 31, 1 << 10 | 1 << 4); // Normal, chained, no IOC
        s.out.put(0xcafe_f00dL, 0, 7 << 10 | 1 << 5); // Event Data, IOC
        c.bar.write32(0x2000 + 4L * s.slot, 4);
        c.timeline.runUntilIdle();
        List<XhciClient.Event> events = c.events();
        assertEquals(1, events.size(), events.toString());
        XhciClient.Event e = events.getFirst();
        assertEquals(0xcafe_f00dL, e.parameter());
        assertEquals(1 << 2, e.control() & 1 << 2, "ED");
        assertEquals(31, e.residual(), "EDTLA: the bytes the TD moved");
        assertEquals(1, e.code());
    }

    @Test
    void stopEndpointEvaluateContextAndResetDevice() {
        XhciClient c = new XhciClient();
        Enumerated s = waitingOnBulkIn(c);
        XhciClient.Event stop = c.command(0, 0, s.slot << 24 | 3 << 16 | 15 << 10);
        assertEquals(1, stop.code());
        List<XhciClient.Event> transfer = c.events();
        assertEquals(3, c.readContext(s.slot, 3 * 32) & 7, "stopped");
        assertEquals(19, c.command(0, 0, s.slot << 24 | 3 << 16 | 15 << 10).code(), "stopping it twice");
        DmaBuffer input = c.alloc(33 * 32);
        input.putInt(4, 0x2);
        input.putInt(64 + 4, 3 << 1 | 4 << 3 | 32 << 16);
        assertEquals(1, c.command(input.physAddress(), 0, s.slot << 24 | 13 << 10).code(), "Evaluate Context");
        assertEquals(32, c.readContext(s.slot, 32 + 4) >>> 16, "EP0's max packet");
        assertEquals(1, c.command(0, 0, s.slot << 24 | 17 << 10).code(), "Reset Device");
        assertEquals(1, c.readContext(s.slot, 12) >>> 27, "default state");
        assertEquals(0, c.readContext(s.slot, 3 * 32) & 7, "bulk endpoints disabled");
        assertEquals(19, c.command(0, 0, s.slot << 24 | 17 << 10).code(), "a default slot is not reset again");
        assertEquals(1, c.command(0, 0, s.slot << 24 | 10 << 10).code(), "Disable Slot");
        assertTrue(transfer.isEmpty() || transfer.getFirst().code() == 27, transfer.toString());
    }

    @Test
    void interruptsFollowImanIeAndUsbcmdInte() {
        XhciClient c = new XhciClient();
        c.start();
        c.bar.write32(XhciClient.IMAN, 1); // IE off (and IP cleared)
        long before = c.irq.raisedCount();
        c.command(0, 0, 23 << 10);
        assertEquals(before, c.irq.raisedCount(), "IE off: no interrupt");
        assertEquals(1, c.bar.read32(XhciClient.IMAN) & 1, "but IP is pending");
        c.bar.write32(XhciClient.IMAN, 2);
        assertEquals(before + 1, c.irq.raisedCount(), "enabling IE with IP pending signals it");
        c.bar.write32(XhciClient.USBCMD, 1); // INTE off
        c.bar.write32(XhciClient.IMAN, 3);
        c.command(0, 0, 23 << 10);
        assertEquals(before + 1, c.irq.raisedCount(), "INTE off: no interrupt");
        assertTrue((c.bar.read32(XhciClient.USBSTS) & 1 << 3) != 0, "EINT");
        c.bar.write32(XhciClient.USBSTS, 1 << 3);
        assertEquals(0, c.bar.read32(XhciClient.USBSTS) & 1 << 3, "EINT is write-1-to-clear");
    }

    @Test
    void hubsChainAndRouteStringsReachTheirTiers() {
        XhciClient c = new XhciClient();
        c.start();
        assertNull(c.hc.attach(List.of(1), new UsbHub(4)));
        c.bar.write32(PORTSC1, 1 << 4 | 1 << 9);
        c.timeline.runUntilIdle();
        c.events();
        assertNull(c.hc.attach(List.of(1, 2), new UsbHub(4)));
        addressedHub(c, 0, 2); // the first hub, its port 2 powered and reset
        assertNull(c.hc.attach(List.of(1, 2, 3), new UsbStick(new MemoryImage(8), "DEEP")));
        addressedHub(c, 0x2, 3); // the second hub, at route 2, its port 3
        int slot = c.enableSlot();
        int[] code = new int[1];
        XhciClient.Ring ep0 = c.address(slot, 1, 0x32, 3, false, code);
        assertEquals(1, code[0], "route 0x32: port 2 of the first hub, then port 3 of the second");
        List<XhciClient.Event> events = new ArrayList<>();
        assertEquals(0x46f4, Bytes.le16(c.controlIn(ep0, slot, 0x80, 6, 0x0100, 0, 18, events), 8));
        assertEquals(List.of(List.of(1), List.of(1, 2), List.of(1, 2, 3)),
                c.hc.topology().stream().map(XhciController.Attached::path).toList());
    }

    /** Addresses the hub at {@code route} on root port 1, configures it, powers and resets its {@code port}. */
    private static void addressedHub(XhciClient c, int route, int port) {
        int slot = c.enableSlot();
        int[] code = new int[1];
        XhciClient.Ring ep0 = c.address(slot, 1, route, 3, false, code);
        assertEquals(1, code[0], "hub at route " + route);
        c.controlNoData(ep0, slot, 0, 9, 1, 0);
        c.controlNoData(ep0, slot, 0x23, 3, 8, port);
        c.controlNoData(ep0, slot, 0x23, 3, 4, port);
    }

    /** A configured stick whose bulk-in endpoint has a TD queued that it NAKs: no CBW came. */
    private static Enumerated waitingOnBulkIn(XhciClient c) {
        c.start();
        Enumerated s = enumerate(c, new MemoryImage(64));
        DmaBuffer data = c.alloc(512);
        s.in.put(data.physAddress(), 512, 1 << 10 | 1 << 5);
        c.bar.write32(0x2000 + 4L * s.slot, 3);
        c.timeline.runUntilIdle();
        return s;
    }

    /** A CBW with this tag for a command moving {@code length} bytes in (or none). */
    private static byte[] cbw(int tag, int length, byte[] cdb) {
        byte[] cbw = new byte[31];
        Bytes.put32(cbw, 0, 0x43425355);
        Bytes.put32(cbw, 4, tag);
        Bytes.put32(cbw, 8, length);
        cbw[12] = (byte) (length > 0 ? 0x80 : 0);
        cbw[14] = (byte) cdb.length;
        System.arraycopy(cdb, 0, cbw, 15, cdb.length);
        return cbw;
    }

    /** A stick on root port 1, reset, addressed and configured with its two bulk endpoints. */
    private static Enumerated enumerate(XhciClient c, MemoryImage image) {
        assertNull(c.hc.attach(List.of(1), new UsbStick(image, "SERIAL")));
        c.bar.write32(PORTSC1, 1 << 4 | 1 << 9);
        c.timeline.runUntilIdle();
        c.events();
        int slot = c.enableSlot();
        int[] code = new int[1];
        XhciClient.Ring ep0 = c.address(slot, 1, 0, 3, false, code);
        assertEquals(1, code[0]);
        assertEquals(2, c.readContext(slot, 12) >>> 27, "addressed");
        assertEquals(slot, c.readContext(slot, 12) & 0xff, "its USB address");
        List<XhciClient.Event> events = c.controlNoData(ep0, slot, 0, 9, 1, 0);
        assertEquals(1, events.getLast().code());
        XhciClient.Ring in = c.new Ring(8);
        XhciClient.Ring out = c.new Ring(8);
        assertEquals(1, c.configureBulk(slot, 4, out, 3, in).code());
        assertEquals(3, c.readContext(slot, 12) >>> 27, "configured");
        assertEquals(1, c.readContext(slot, 3 * 32) & 7, "bulk-in running");
        return new Enumerated(slot, ep0, in, out);
    }

    private record Enumerated(int slot, XhciClient.Ring ep0, XhciClient.Ring in, XhciClient.Ring out) {
    }

    /** A device that only has a speed: for port tests. */
    private record FakeDevice(Speed speed) implements UsbDevice {
        @Override
        public Identity identity() {
            return new Identity(1, 2, 0, 0, "fake");
        }

        @Override
        public ControlReply control(Setup setup, byte[] dataOut) {
            return ControlReply.STALL;
        }

        @Override
        public Handshake out(int endpoint, byte[] data) {
            return Handshake.STALL;
        }

        @Override
        public InPacket in(int endpoint, int maxLength) {
            return InPacket.STALL;
        }

        @Override
        public void busReset() {
        }
    }
}
