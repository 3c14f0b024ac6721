package org.microsim.kernel;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
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

    /**
     * A kernel whose IPC takes the fast path where it can ({@code fastPath}), or only ever the locked path. The
     * trace is off either way: with it on, IPC takes the locked path anyway, to write its events.
     */
    static Kernel kernel(long seed, SchedulerMode mode, ProgramCatalog catalog, boolean fastPath) {
        return Kernel.builder().seed(seed).mode(mode).programs(catalog).fastPath(fastPath).trace(false, 0).build();
    }

    /** Both schedulers, each with the fast path on and off: IPC must mean the same all four ways. */
    static Stream<Arguments> schedulersAndPaths() {
        return Stream.of(SchedulerMode.values())
                .flatMap(mode -> Stream.of(Arguments.of(mode, true), Arguments.of(mode, false)));
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

    /** How long a test's thread spins or joins for something that should come at once, before it fails. */
    static final Duration SPIN_LIMIT = Duration.ofSeconds(20);

    /** Spins until {@code condition} holds; fails with {@code what} after {@link #SPIN_LIMIT}, never hangs. */
    static void spinUntil(BooleanSupplier condition, String what) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > SPIN_LIMIT.toNanos()) {
                throw new AssertionError("waited " + SPIN_LIMIT + " in vain for " + what);
            }
            Thread.onSpinWait();
        }
    }

    /** Spins until {@code value} is not null, and returns it; fails with {@code what} after {@link #SPIN_LIMIT}. */
    static <T> T spinFor(Supplier<T> value, String what) {
        Object[] found = new Object[1];
        spinUntil(() -> (found[0] = value.get()) != null, what);
        @SuppressWarnings("unchecked")
        T t = (T) found[0];
        return t;
    }

    /** Waits for a thread to end; fails after {@link #SPIN_LIMIT}. */
    static void join(Thread thread) throws InterruptedException {
        if (!thread.join(SPIN_LIMIT)) {
            throw new AssertionError(thread.getName() + " did not end within " + SPIN_LIMIT);
        }
    }
}
