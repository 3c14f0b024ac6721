package org.microsim.abi.devd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Handle;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Replies;
import org.microsim.abi.WireWriter;
import org.microsim.abi.svc.Page;

class DevdRequestTest {
    @Test
    void requestsRoundTrip() throws MalformedException {
        for (DevdRequest<?> r : List.of(new DevdRequest.AddRule("match class=block -> partd"),
                new DevdRequest.ListRules(3), new DevdRequest.Lsdev(0))) {
            assertEquals(r, DevdRequest.decode(r.toMessage()));
        }
    }

    @Test
    void malformedRequestsAreRejectedWithTheReason() {
        assertTrue(assertThrows(MalformedException.class, () -> DevdRequest.decode(Message.of(399)))
                .getMessage().contains("unknown devd request"));
        assertTrue(assertThrows(MalformedException.class, () -> DevdRequest.decode(Message.of(302)))
                .getMessage().contains("unknown devd request"), "302 was SUBSCRIBE");
        assertThrows(MalformedException.class, () -> DevdRequest.decode(Message.of(DevdRequest.LSDEV,
                new byte[] {0})));
        assertThrows(MalformedException.class, () -> DevdRequest.decode(Message.of(DevdRequest.LSDEV,
                new byte[] {0, 0, 0})));
        assertThrows(MalformedException.class, () -> DevdRequest.decode(Message.of(DevdRequest.ADD_RULE,
                new WireWriter().string("x".repeat(600)).toByteArray())));
    }

    @Test
    void driverAvailableCarriesThePortIdLittleEndianAndOneHandle() throws MalformedException {
        Message m = new DriverAvailable(0x0102030405060708L, new Handle(3)).toMessage();
        assertEquals(MsgIds.SERVICE_NOTIFY_DRIVER_AVAILABLE, m.msgId());
        assertEquals(8, m.size());
        assertEquals(8, m.data()[0]);
        assertEquals(1, m.data()[7]);
        assertEquals(new DriverAvailable(0x0102030405060708L, new Handle(3)), DriverAvailable.decode(m));
        assertThrows(MalformedException.class, () -> DriverAvailable.decode(Message.of(100, new byte[8])),
                "no handle");
        assertThrows(MalformedException.class, () -> DriverAvailable.decode(
                Message.of(100, new byte[9], new Handle(1))), "nine bytes");
        assertThrows(MalformedException.class, () -> DriverAvailable.decode(
                Message.of(101, new byte[8], new Handle(1))), "another msg id");
    }

    @Test
    void longListsArePagedWithinTheInlineLimit() throws MalformedException {
        List<LsdevEntry> many = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(new LsdevEntry(i % 3, PortInfo.of("port" + i, PortClass.BLOCK, 0), "partd", "ready"));
        }
        List<LsdevEntry> seen = new java.util.ArrayList<>();
        for (int start = 0, pages = 0; start < many.size(); pages++) {
            Message m = page(many, start);
            assertTrue(m.size() <= Message.MAX_INLINE, m.size() + " bytes");
            Page<LsdevEntry> page = lsdev(m);
            assertEquals(40, page.total());
            assertEquals(start, page.start());
            seen.addAll(page.items());
            start += page.items().size();
            assertTrue(pages < 40, "every page makes progress");
        }
        assertEquals(many, seen);
        assertEquals(new Page<>(40, 40, List.of()), lsdev(page(many, 99)));
        assertThrows(MalformedException.class, () -> lsdev(Replies.ok(new byte[] {1, 0, 1, 0, 1, 0})),
                "a page past its total");
    }

    @Test
    void lsdevListsAndStringListsRoundTrip() throws MalformedException {
        PortInfo ahci = new PortInfo("00:1f.2:ahci", PortClass.STORAGE_CONTROLLER, PortSubclass.STORAGE_AHCI,
                "pcie0:", 0x8086, 0x2922, PortCaps.DMA | PortCaps.MMIO, null);
        List<LsdevEntry> entries = List.of(new LsdevEntry(1, ahci, "ahci", "ready"));
        assertEquals(new Page<>(1, 0, entries), lsdev(page(entries, 0)));
        byte[] cut = page(entries, 0).data();
        assertThrows(MalformedException.class, () -> lsdev(Replies.ok(java.util.Arrays.copyOf(cut, cut.length - 1))));
        List<String> strings = List.of("a", "", "match -> none");
        assertEquals(new Page<>(3, 1, strings.subList(1, 3)), new DevdRequest.ListRules(0)
                .decodeReply(Page.toMessage(strings, 1, WireWriter::string)));
    }

    @Test
    void noRequestCarriesAHandle() {
        assertThrows(MalformedException.class, () -> DevdRequest.decode(Message.of(DevdRequest.LSDEV,
                new byte[2], new Handle(1))), "a handle on lsdev");
    }

    @Test
    void aDriverInterestTravelsInItsPortsInfo() throws MalformedException {
        DriverInterest vfs = new DriverInterest(Set.of(PortClass.FILESYSTEM, PortClass.BLOCK));
        PortInfo port = vfs.port("vfs");
        assertEquals(PortClass.SERVICE, port.portClass());
        assertEquals(PortSubclass.SERVICE_DRIVER_CLIENT, port.subclass());
        assertEquals(vfs, DriverInterest.of(PortInfo.decode(port.encode())));
        assertNull(DriverInterest.of(PortInfo.of("shell", PortClass.SERVICE, PortSubclass.SERVICE_GENERIC)));
        assertNull(DriverInterest.of(new PortInfo("disk0", PortClass.BLOCK, PortSubclass.SERVICE_DRIVER_CLIENT, "",
                0, 0, 0, new byte[] {1})), "only a service port states an interest");
        assertTrue(assertThrows(MalformedException.class, () -> DriverInterest.of(new PortInfo("x", PortClass.SERVICE,
                PortSubclass.SERVICE_DRIVER_CLIENT, "", 0, 0, 0, new byte[] {99}))).getMessage()
                .contains("port class"));
        assertThrows(MalformedException.class, () -> DriverInterest.of(new PortInfo("x", PortClass.SERVICE,
                PortSubclass.SERVICE_DRIVER_CLIENT, "", 0, 0, 0, null)), "no class named");
    }

    private static Message page(List<LsdevEntry> all, int start) {
        return Page.toMessage(all, start, (w, e) -> e.write(w));
    }

    private static Page<LsdevEntry> lsdev(Message reply) throws MalformedException {
        return new DevdRequest.Lsdev(0).decodeReply(reply);
    }

    @Test
    void aDriverGoneNoticeCarriesThePortIdAndNothingElse() throws MalformedException {
        Message m = new DriverGone(0x1122334455L).toMessage();
        assertEquals(MsgIds.SERVICE_NOTIFY_DRIVER_GONE, m.msgId());
        assertEquals(new DriverGone(0x1122334455L), DriverGone.decode(m));
        assertThrows(MalformedException.class,
                () -> DriverGone.decode(Message.of(MsgIds.SERVICE_NOTIFY_DRIVER_GONE, new byte[7])));
        assertThrows(MalformedException.class, () -> DriverGone.decode(Message.of(100, new byte[8])));
    }
}
