package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.DmaBuffer;

/** Transfer rings against a scripted device: TDs, short packets, stalls, stops, Event Data, loops, bad memory. */
class XhciTransfersTest {
    private static final int NORMAL = 1 << 10, EVENT_DATA = 7 << 10, NO_OP = 8 << 10;
    private static final int ISP = 1 << 2, CH = 1 << 4, IOC = 1 << 5;

    private final XhciClient c = new XhciClient();
    private final XhciFakeDevice device = new XhciFakeDevice(UsbDevice.Speed.SUPER);

    private XhciClient.Bulk configured() {
        c.start();
        return c.bulkDevice(5, device);
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void aChainedOutTdReachesTheDeviceAsOneTransferAndAShortInEndsAtItsIspTrb() {
        XhciClient.Bulk d = configured();
        DmaBuffer buffer = c.alloc(300);
        byte[] sent = pattern(150, 1);
        buffer.write(0, sent, 0, 150);
        d.out().put(buffer.physAddress(), 100, NORMAL | CH);
        long last = d.out().put(buffer.physAddress() + 100, 50, NORMAL | IOC);
        List<XhciClient.Event> events = c.ring(d.slot(), 2);
        assertEquals(1, events.size(), events.toString());
        assertEquals(last, events.getFirst().parameter());
        assertEquals(1, events.getFirst().code());
        assertEquals(1, device.received.size());
        assertArrayEquals(sent, device.received.getFirst());

        byte[] answer = pattern(150, 7);
        device.toSend.add(answer);
        DmaBuffer in = c.alloc(200);
        d.in().put(in.physAddress(), 100, NORMAL | ISP | CH);
        long second = d.in().put(in.physAddress() + 100, 100, NORMAL | ISP | IOC);
        events = c.ring(d.slot(), 3);
        assertEquals(1, events.size(), "one event: the short packet, at the TRB it ended in: " + events);
        assertEquals(second, events.getFirst().parameter());
        assertEquals(13, events.getFirst().code());
        assertEquals(50, events.getFirst().residual());
        byte[] got = new byte[150];
        in.read(0, got, 0, 150);
        assertArrayEquals(answer, got);
    }

    @Test
    void aShortPacketWithoutIspIsReportedAtTheTdsIocTrbAndTheNextTdStillRuns() {
        XhciClient.Bulk d = configured();
        device.toSend.add(pattern(120, 3));
        device.toSend.add(pattern(10, 4));
        DmaBuffer in = c.alloc(400);
        d.in().put(in.physAddress(), 100, NORMAL | CH);
        d.in().put(in.physAddress() + 100, 100, NORMAL | CH);
        long end = d.in().put(in.physAddress() + 200, 100, NORMAL | IOC);
        long next = d.in().put(in.physAddress() + 300, 10, NORMAL | IOC);
        List<XhciClient.Event> events = c.ring(d.slot(), 3);
        assertEquals(2, events.size(), events.toString());
        assertEquals(end, events.get(0).parameter());
        assertEquals(13, events.get(0).code());
        assertEquals(100, events.get(0).residual(), "the IOC TRB got nothing");
        assertEquals(next, events.get(1).parameter());
        assertEquals(1, events.get(1).code());
        assertEquals(2, device.inRequests);
    }

    @Test
    void eventDataTrbsReportTheBytesSinceTheLastOneAndNoOpTrbsComplete() {
        XhciClient.Bulk d = configured();
        DmaBuffer buffer = c.alloc(64);
        d.out().put(buffer.physAddress(), 10, NORMAL | CH);
        d.out().put(0x1111, 0, EVENT_DATA | IOC | CH);
        d.out().put(buffer.physAddress() + 10, 20, NORMAL | CH);
        d.out().put(0x2222, 0, EVENT_DATA | IOC);
        long noOp = d.out().put(0, 0, NO_OP | IOC);
        List<XhciClient.Event> events = c.ring(d.slot(), 2);
        assertEquals(3, events.size(), events.toString());
        assertEquals(List.of(0x1111L, 0x2222L, noOp), events.stream().map(XhciClient.Event::parameter).toList());
        assertEquals(List.of(10, 20, 0), events.stream().map(XhciClient.Event::residual).toList());
        assertEquals(List.of(4, 4, 0), events.stream().map(e -> e.control() & 4).toList(), "ED on the first two");
        assertEquals(30, device.received.getFirst().length);
    }

    @Test
    void aStallHaltsTheEndpointUntilResetEndpointAndSetTrDequeue() {
        XhciClient.Bulk d = configured();
        device.stallIn = true;
        DmaBuffer in = c.alloc(64);
        long stalled = d.in().put(in.physAddress(), 64, NORMAL | ISP | IOC);
        List<XhciClient.Event> events = c.ring(d.slot(), 3);
        assertEquals(1, events.size());
        assertEquals(6, events.getFirst().code());
        assertEquals(stalled, events.getFirst().parameter());
        assertEquals(2, c.readContext(d.slot(), 3 * 32) & 7, "halted");
        assertEquals(stalled | 1, c.dequeueOf(d.slot(), 3), "the dequeue pointer stays on the stalled TD");
        device.stallIn = false;
        device.toSend.add(pattern(64, 9));
        assertTrue(c.ring(d.slot(), 3).isEmpty(), "a halted endpoint ignores its doorbell");
        assertEquals(1, device.inRequests);
        assertEquals(19, c.command(stalled, 0, d.slot() << 24 | 3 << 16 | 16 << 10).code(),
                "Set TR Dequeue needs Stopped");
        assertEquals(1, c.command(0, 0, d.slot() << 24 | 3 << 16 | 14 << 10).code(), "Reset Endpoint");
        assertEquals(3, c.readContext(d.slot(), 3 * 32) & 7, "stopped");
        long retry = d.in().put(in.physAddress(), 64, NORMAL | ISP | IOC);
        assertEquals(1, c.command(retry | 1, 0, d.slot() << 24 | 3 << 16 | 16 << 10).code());
        assertEquals(retry | 1, c.dequeueOf(d.slot(), 3));
        events = c.ring(d.slot(), 3);
        assertEquals(1, events.size(), events.toString());
        assertEquals(retry, events.getFirst().parameter());
        assertEquals(1, events.getFirst().code());
        assertEquals(1, c.readContext(d.slot(), 3 * 32) & 7, "running again");
    }

    @Test
    void stopEndpointEndsAWaitingTdWithStoppedAndADoorbellGoesOn() {
        XhciClient.Bulk d = configured();
        DmaBuffer in = c.alloc(64);
        long waiting = d.in().put(in.physAddress(), 64, NORMAL | ISP | IOC);
        assertTrue(c.ring(d.slot(), 3).isEmpty());
        c.commands.put(0, 0, d.slot() << 24 | 3 << 16 | 15 << 10);
        c.bar.write32(0x2000, 0);
        c.timeline.runUntilIdle();
        List<XhciClient.Event> events = c.events();
        assertEquals(List.of(32, 33), events.stream().map(XhciClient.Event::type).toList(), events.toString());
        assertEquals(waiting, events.getFirst().parameter());
        assertEquals(27, events.getFirst().code(), "Stopped - Length Invalid: nothing of it moved");
        assertEquals(1, events.get(1).code());
        assertEquals(3, c.readContext(d.slot(), 3 * 32) & 7, "stopped");
        assertEquals(waiting | 1, c.dequeueOf(d.slot(), 3), "on the TD it stopped in");
        assertEquals(19, c.command(0, 0, d.slot() << 24 | 3 << 16 | 15 << 10).code(), "stopping it again");
        device.toSend.add(pattern(64, 2));
        events = c.ring(d.slot(), 3);
        assertEquals(1, events.size(), "the doorbell restarts it and the TD runs: " + events);
        assertEquals(waiting, events.getFirst().parameter());
        assertEquals(1, events.getFirst().code());
    }

    @Test
    void aNakedInIsRetriedAfterATransferToTheSameDevice() {
        XhciClient.Bulk d = configured();
        DmaBuffer in = c.alloc(64);
        d.in().put(in.physAddress(), 8, NORMAL | IOC);
        assertTrue(c.ring(d.slot(), 3).isEmpty());
        device.toSend.add(pattern(8, 5));
        DmaBuffer out = c.alloc(8);
        d.out().put(out.physAddress(), 8, NORMAL | IOC);
        List<XhciClient.Event> events = c.ring(d.slot(), 2);
        assertEquals(List.of(2, 3), events.stream().map(XhciClient.Event::endpoint).toList(), events.toString());
    }

    @Test
    void memoryThatIsNotThereIsADataBufferErrorAndHalts() {
        XhciClient.Bulk d = configured();
        long bad = 1L << 40;
        long trb = d.out().put(bad, 64, NORMAL | IOC);
        List<XhciClient.Event> events = c.ring(d.slot(), 2);
        assertEquals(1, events.size());
        assertEquals(trb, events.getFirst().parameter());
        assertEquals(2, events.getFirst().code());
        assertEquals(2, c.readContext(d.slot(), 2 * 32) & 7);
        assertTrue(device.received.isEmpty());
    }

    @Test
    void aRingThatLoopsOverItsOwnTdsRunsABoundedNumberPerDoorbell() {
        XhciClient.Bulk d = configured();
        DmaBuffer data = c.alloc(8);
        DmaBuffer ring = c.alloc(32);
        ring.putLong(0, data.physAddress());
        ring.putInt(8, 8);
        ring.putInt(12, NORMAL | 1); // no IOC: the event ring stays quiet
        ring.putLong(16, ring.physAddress());
        ring.putInt(28, 6 << 10 | 1); // Link back without Toggle Cycle: the TD is the controller's for ever
        assertEquals(1, c.command(ring.physAddress() | 1, 0, d.slot() << 24 | 2 << 16 | 15 << 10).code(),
                "stop it to move its dequeue pointer");
        assertEquals(1, c.command(ring.physAddress() | 1, 0, d.slot() << 24 | 2 << 16 | 16 << 10).code());
        c.ring(d.slot(), 2); // ends: the timeline goes idle
        assertEquals(XhciController.RUNS_PER_DOORBELL, device.received.size());
        c.ring(d.slot(), 2);
        assertEquals(2 * XhciController.RUNS_PER_DOORBELL, device.received.size(), "the next doorbell goes on");
    }

    @Test
    void aLinkTrbToItselfIsATrbErrorNotAHang() {
        XhciClient.Bulk d = configured();
        DmaBuffer ring = c.alloc(16);
        ring.putLong(0, ring.physAddress());
        ring.putInt(12, 6 << 10 | 1);
        assertEquals(1, c.command(0, 0, d.slot() << 24 | 2 << 16 | 15 << 10).code(), "Stop Endpoint");
        assertEquals(1, c.command(ring.physAddress() | 1, 0, d.slot() << 24 | 2 << 16 | 16 << 10).code());
        List<XhciClient.Event> events = c.ring(d.slot(), 2);
        assertEquals(1, events.size(), events.toString());
        assertEquals(5, events.getFirst().code());
        assertEquals(2, c.readContext(d.slot(), 2 * 32) & 7, "halted");
    }

    @Test
    void aControlTransferGetsTheDescriptorAndNoOpTrbsWorkOnEp0() {
        XhciClient.Bulk d = configured();
        List<XhciClient.Event> events = new java.util.ArrayList<>();
        byte[] descriptor = c.controlIn(d.ep0(), d.slot(), 0x80, 6, 0x0100, 0, 18, events);
        assertEquals(0x1234, Bytes.le16(descriptor, 8));
        assertEquals(List.of(1, 1), events.stream().map(XhciClient.Event::code).toList(), events.toString());
        long noOp = d.ep0().put(0, 0, NO_OP | IOC);
        events = c.ring(d.slot(), 1);
        assertEquals(1, events.size());
        assertEquals(noOp, events.getFirst().parameter());
        assertEquals(1, events.getFirst().code());
        assertTrue(device.received.isEmpty());
    }

    @Test
    void aTrbsInterrupterTargetPicksTheEventRing() {
        XhciClient.Bulk d = configured();
        DmaBuffer segment = c.alloc(16 * 16);
        DmaBuffer erst = c.alloc(16);
        erst.putLong(0, segment.physAddress());
        erst.putInt(8, 16);
        c.bar.write32(0x1040 + 8, 1); // interrupter 1: ERSTSZ, ERDP, ERSTBA, IMAN.IE
        c.bar.write64(0x1040 + 0x18, segment.physAddress());
        c.bar.write64(0x1040 + 0x10, erst.physAddress());
        c.bar.write32(0x1040, 2);
        DmaBuffer out = c.alloc(8);
        long trb = d.out().put(out.physAddress(), 1 << 22 | 8, NORMAL | IOC);
        c.bar.write32(XhciClient.IMAN, 3); // interrupter 0's IP cleared, IE kept
        long raised = c.irq.raisedCount();
        assertTrue(c.ring(d.slot(), 2).isEmpty(), "nothing on interrupter 0's ring");
        assertEquals(trb, segment.getLong(0));
        assertEquals(1, segment.getInt(8) >>> 24);
        assertEquals(32 << 10 | 1, segment.getInt(12) & (0x3f << 10 | 1), "a Transfer Event, cycle 1");
        assertEquals(1, c.bar.read32(0x1040) & 1, "IMAN.IP of interrupter 1");
        assertEquals(0, c.bar.read32(XhciClient.IMAN) & 1, "not of interrupter 0");
        assertEquals(raised + 1, c.irq.raisedCount());
    }
}
