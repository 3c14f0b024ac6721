package org.microsim.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.microsim.kernel.TestKernels.echo;
import static org.microsim.kernel.TestKernels.service;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Lease;
import org.microsim.abi.Message;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;

class ConsoleCallTest {
    @ParameterizedTest
    @EnumSource(SchedulerMode.class)
    void theConsoleCallsATaskAndLendsItABuffer(SchedulerMode mode) {
        ProgramCatalog programs = new ProgramCatalog().add("filler", "", () -> sys -> {
            var port = sys.registerPort(service("filler")).orThrow();
            while (true) {
                Received r = sys.receive(Sys.FOREVER, port).orThrow();
                sys.sleep(Duration.ofMillis(300)).orThrow();
                byte[] data = ("from " + r.sender()).getBytes();
                sys.leaseWrite(r.replyRight(), 0, data, 0, data.length).orThrow();
                sys.reply(r.replyRight(), Replies.ok()).orThrow();
            }
        });
        try (Kernel k = TestKernels.kernel(1, mode, programs)) {
            k.spawn("filler", "filler", new byte[0], false).orThrow();
            k.settle();
            byte[] buffer = new byte[9];
            Sys console = k.console();
            Handle filler = console.lookup("filler", Duration.ZERO).orThrow();
            Result<Message> reply = console.call(filler, Message.of(5).withLease(Lease.writeOnly(buffer)),
                    Duration.ofSeconds(5));
            assertEquals(0, reply.orThrow().msgId());
            assertArrayEquals("from 0.1".getBytes(), java.util.Arrays.copyOf(buffer, 8));
        }
    }

    @Test
    void theConsoleGetsClearErrors() {
        ProgramCatalog programs = new ProgramCatalog()
                .add("mute", "", () -> sys -> {
                    var port = sys.registerPort(service("mute")).orThrow();
                    while (true) {
                        sys.receive(Sys.FOREVER, port).orThrow();
                    }
                })
                .add("echo", "", () -> echo("echo"));
        try (Kernel k = TestKernels.kernel(programs)) {
            k.spawn("mute", "mute", new byte[0], false).orThrow();
            k.settle();
            Sys console = k.console();
            assertEquals(ErrorCode.NO_SUCH_PORT, console.lookup("nobody", Duration.ZERO).code());
            Handle mute = console.lookup("mute", Duration.ZERO).orThrow();
            long before = k.now();
            assertEquals(ErrorCode.TIMED_OUT, console.call(mute, Message.of(1), Duration.ofSeconds(2)).code());
            assertEquals(2_000_000_000L, k.now() - before);
        }
    }
}
