package org.microsim.harness.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.TaskId;
import org.microsim.kernel.TraceEvent;
import org.microsim.kernel.TraceEvent.Kind;

/** The message sequence chart's data: calls paired with their replies, sends with their receives, ids named. */
class MessagesTest {
    private static final TaskId VFS = new TaskId(5, 0);
    private static final TaskId PARTD = new TaskId(13, 0);
    private static final TaskId DEVD = new TaskId(2, 0);

    @Test
    void pairsACallWithItsReplyAndASendWithItsReceive() {
        List<TraceEvent> trace = List.of(
                new TraceEvent(10, VFS, "vfs", Kind.CALL, "to ahci0:disk0p1 id 400 8B", 7),
                new TraceEvent(11, DEVD, "devd", Kind.SEND, "to vfs id 100 8B", 8),
                new TraceEvent(12, PARTD, "partd@ahci0:disk0", Kind.RECEIVE, "on ahci0:disk0p1 id 400 from 5.0", 7),
                new TraceEvent(13, PARTD, "partd@ahci0:disk0", Kind.LOG, "reading", 0),
                new TraceEvent(14, PARTD, "partd@ahci0:disk0", Kind.REPLY, "to vfs id 0 16B", 7),
                new TraceEvent(15, VFS, "vfs", Kind.CALL, "to devd id 303 2B", 9));
        assertEquals(List.of(
                new Messages.Message(7, "call", 10, "vfs", "ahci0:disk0p1", "block.GET_INFO", "partd@ahci0:disk0", 14,
                        "msg.REPLY_OK"),
                new Messages.Message(8, "send", 11, "devd", "vfs", "msg.SERVICE_NOTIFY_DRIVER_AVAILABLE", "", 0, ""),
                new Messages.Message(9, "call", 15, "vfs", "devd", "devd.LSDEV", "", 0, "")), Messages.last(trace));
    }

    @Test
    void keepsTheLastMessagesThatStartedInTheTrace() {
        List<TraceEvent> trace = new ArrayList<>();
        trace.add(new TraceEvent(0, PARTD, "partd", Kind.REPLY, "to vfs id 0 16B", 1)); // its call is not in the trace
        for (int i = 2; i < Messages.SHOWN + 12; i++) {
            trace.add(new TraceEvent(i, DEVD, "devd", Kind.SEND, "to vfs id 1000 4B", i));
        }
        List<Messages.Message> last = Messages.last(trace);
        assertEquals(Messages.SHOWN, last.size());
        assertEquals(12, last.getFirst().flow());
        assertEquals("1000", last.getFirst().name(), "a demo program's id has no protocol name");
    }

    @Test
    void namesIdsByTheirProtocol() {
        assertEquals("kernel.SPAWN", MsgNames.of(30));
        assertEquals("svc.REGISTER", MsgNames.of(200));
        assertEquals("fs.READ", MsgNames.of(501));
        assertEquals("vfs.MOUNTS", MsgNames.of(520));
        assertEquals("eth.SEND", MsgNames.of(602));
        assertEquals("shell.RUN", MsgNames.of(700));
    }
}
