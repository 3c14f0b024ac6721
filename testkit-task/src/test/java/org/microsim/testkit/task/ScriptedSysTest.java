package org.microsim.testkit.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Lease;
import org.microsim.abi.Message;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockRequest;

/** A scripted world delivers on time, moves leases as a kernel would, and ends when the task would wait past it. */
class ScriptedSysTest {
    /** A task that reverses the bytes of each call's lease, if it has one, and logs when it was called. */
    private static void reverser(Sys sys) {
        Handle port = sys.registerPort(PortInfo.of("rev", PortClass.SERVICE, PortSubclass.SERVICE_GENERIC)).orThrow();
        while (true) {
            Received r = sys.receive(Duration.ofMillis(10), port).orNull();
            if (r == null) {
                sys.log("idle at " + sys.now());
                continue;
            }
            if (r.lease() != null) {
                int n = (int) r.lease().length();
                byte[] data = new byte[n];
                sys.leaseRead(r.replyRight(), 0, data, 0, n).orThrow();
                for (int i = 0; i < n / 2; i++) {
                    byte t = data[i];
                    data[i] = data[n - 1 - i];
                    data[n - 1 - i] = t;
                }
                sys.leaseWrite(r.replyRight(), 0, data, 0, n).orThrow();
            }
            sys.log("call at " + sys.now());
            sys.reply(r.replyRight(), Replies.ok());
        }
    }

    @Test
    void callsArriveOnTimeWithTheirLeasesAndTheRunEndsWithTheScript() {
        ScriptedSys sys = new ScriptedSys("rev", new byte[0]);
        sys.endAt(25_000_000);
        byte[] buffer = {1, 2, 3};
        long first = sys.at(15_000_000, ScriptedSys.CLIENT, Message.of(7), true);
        long second = sys.script(new Handle(10), Message.of(7), new Lease.Buffer(buffer, 0, 3, true, true));
        assertThrows(ScriptedSys.Finished.class, () -> reverser(sys));
        assertArrayEquals(new byte[] {3, 2, 1}, buffer);
        assertEquals(List.of("call at 0", "idle at 10000000", "call at 15000000", "idle at 25000000"), sys.logs());
        assertEquals(List.of(Replies.ok(), Replies.ok()), List.of(sys.reply(second), sys.reply(first)));
        assertEquals("rev", sys.ports().get(new Handle(10)).name());
    }

    @Test
    void peersAnswerCallsAndAForwardedLeaseIsTheCallersBuffer() {
        ScriptedSys sys = new ScriptedSys("fs", new byte[0]);
        MemoryDisk disk = new MemoryDisk(512, 4);
        disk.bytes()[512] = 42;
        Handle given = sys.give(PortInfo.of("disk", PortClass.BLOCK, PortSubclass.BLOCK_RAW), new BlockPeer(disk));
        byte[] callers = new byte[1024];
        long right = sys.script(new Handle(10), Message.of(1), new Lease.Buffer(callers, 0, 1024, false, true));
        Received r = sys.receive(Sys.FOREVER).orThrow();
        assertEquals(right, r.replyRight().id());
        Message read = new BlockRequest.Read(1, 1).toMessage()
                .withLease(new Lease.Forward(new ReplyRight(right), 512, 512, false, true));
        assertEquals(Replies.ok(), sys.call(given, read, Duration.ZERO).orThrow());
        assertEquals(42, callers[512]);
        Message tooFar = new BlockRequest.Read(1, 1).toMessage()
                .withLease(new Lease.Forward(new ReplyRight(right), 768, 512, false, true));
        assertEquals(ErrorCode.INVALID_ARGUMENT, sys.call(given, tooFar, Duration.ZERO).code());
        assertEquals(1, sys.callsTo(given), "a refused lease never reaches the peer");
        assertEquals("disk", sys.inspect(given).orThrow().portName());
        assertEquals(ErrorCode.NO_SUCH_PORT, sys.lookup("nobody", Duration.ZERO).code());
        assertThrows(ScriptedSys.Finished.class, () -> sys.receive(Sys.FOREVER));
    }
}
