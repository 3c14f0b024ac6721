package org.microsim.kernel;

import java.time.Duration;
import org.microsim.abi.Message;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;

/** Small programs and a builder for kernels in tests. */
final class TestKernels {
    private TestKernels() {
    }

    static final Duration SHORT = Duration.ofSeconds(5);

    static PortInfo service(String name) {
        return PortInfo.of(name, PortClass.SERVICE, 0);
    }

    /** Registers {@code name} and answers every call with the same bytes, forever. */
    static Program echo(String name) {
        return sys -> {
            var port = sys.registerPort(service(name)).orThrow();
            while (true) {
                Received r = sys.receive(Sys.FOREVER, port).orThrow();
                if (r.isCall()) {
                    sys.reply(r.replyRight(), Replies.ok(r.message().data()));
                }
            }
        };
    }

    static Kernel kernel(long seed, SchedulerMode mode, ProgramCatalog catalog) {
        return Kernel.builder().seed(seed).mode(mode).programs(catalog).build();
    }

    static Kernel kernel(ProgramCatalog catalog) {
        return kernel(1, SchedulerMode.DETERMINISTIC, catalog);
    }

    static Message bytes(int id, int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return Message.of(id, b);
    }

    static <T> T ok(Result<T> r) {
        return r.orThrow();
    }
}
