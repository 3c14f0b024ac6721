package org.microsim.abi.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.abi.WireWriter;

class ShellRequestTest {
    @Test
    void everyRequestRoundTrips() throws Exception {
        List<ShellRequest<?>> all = List.of(new ShellRequest.Run(List.of("ls", "/vol/disk0p1")),
                new ShellRequest.Open("/vol/a/b.txt", OpenFlags.WRITE | OpenFlags.CREATE),
                new ShellRequest.Write(3, 0, 123), new ShellRequest.Write(3, 1L << 33, 7),
                new ShellRequest.Read(-1, 1L << 40, 4096), new ShellRequest.Close(3),
                new ShellRequest.Stat("/"));
        for (ShellRequest<?> r : all) {
            assertEquals(r, ShellRequest.decode(r.toMessage()));
        }
    }

    @Test
    void decodingIsStrict() {
        byte[] run = new ShellRequest.Run(List.of("ls")).toMessage().data();
        byte[] trailing = new WireWriter().bytes(run).u8(0).toByteArray();
        for (Message bad : List.of(Message.of(ShellRequest.RUN, new byte[] {0, 0}),
                Message.of(ShellRequest.RUN, new WireWriter().u16(65).toByteArray()),
                Message.of(ShellRequest.RUN, trailing),
                Message.of(ShellRequest.RUN, new byte[] {1, 0, 2, 0, (byte) 0xff, (byte) 0xfe}),
                Message.of(ShellRequest.WRITE, new WireWriter().u32(1).i64(0).u32(0x80000000L).toByteArray()),
                Message.of(ShellRequest.WRITE, new WireWriter().u32(1).i64(-1).u32(1).toByteArray()),
                Message.of(ShellRequest.WRITE, new WireWriter().u32(1).u32(1).toByteArray()),
                Message.of(ShellRequest.READ, new WireWriter().u32(1).i64(-1).u32(1).toByteArray()),
                Message.of(ShellRequest.OPEN, new WireWriter().string("/x").u32(0).toByteArray()),
                Message.of(ShellRequest.CLOSE, new byte[4], new Handle(1)),
                Message.of(ShellRequest.STAT, new byte[] {1}),
                Message.of(799))) {
            assertThrows(MalformedException.class, () -> ShellRequest.decode(bad), bad.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> new ShellRequest.Run(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ShellRequest.Run(Collections.nCopies(65, "x")));
    }

    @Test
    void runResultsRoundTripAndAreChecked() throws Exception {
        RunResult r = new RunResult(false, 10, 20);
        assertEquals(r, RunResult.decode(r.toMessage()));
        assertThrows(MalformedException.class, () -> RunResult.decode(Replies.ok(new WireWriter().u8(1).u32(5).u32(4)
                .toByteArray())));
        assertThrows(MalformedException.class, () -> RunResult.decode(Replies.ok(new WireWriter().u8(2).u32(0).u32(0)
                .toByteArray())));
    }

    @Property(tries = 200)
    void randomBytesDecodeOrFailCleanly(@ForAll byte[] bytes, @ForAll("ids") int id) {
        try {
            ShellRequest.decode(Message.of(id, bytes.length > 1024 ? Arrays.copyOf(bytes, 1024) : bytes));
        } catch (MalformedException e) {
            // The only failure allowed.
        }
    }

    @Provide
    Arbitrary<Integer> ids() {
        return Arbitraries.integers().between(699, 706);
    }
}
