package org.microsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.kernel.TestKernels.SHORT;
import static org.microsim.kernel.TestKernels.service;
import static org.microsim.kernel.TestKernels.spinUntil;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.abi.Received;
import org.microsim.abi.Result;

/**
 * What the switch switches: with the fast path on, a plain send and the receive of a plain message complete
 * while the kernel lock is held elsewhere; with it off, each waits for the lock (every call takes the locked
 * path). The free scheduler runs the tasks on their own threads while the test holds the lock.
 */
class FastPathSwitchTest {
    /** How long a call that needs the lock is given to show that it waits for it. */
    private static final long WAITS_NANOS = Duration.ofMillis(200).toNanos();

    @ParameterizedTest(name = "fast path {0}")
    @ValueSource(booleans = {true, false})
    void aPlainSendAndReceiveTakeTheLockOnlyWithTheFastPathOff(boolean fastPath) {
        AtomicBoolean go = new AtomicBoolean();
        AtomicInteger ready = new AtomicInteger();
        AtomicReference<Result<Void>> sent = new AtomicReference<>();
        AtomicReference<Result<Received>> received = new AtomicReference<>();
        ProgramCatalog programs = new ProgramCatalog()
                .add("sink", "", () -> sys -> {
                    Handle port = sys.registerPort(service("sink")).orThrow();
                    ready.incrementAndGet();
                    // Not waiting in receive: a sender then has no receiver to wake, which takes the lock.
                    spinUntil(go::get, "go");
                    spinUntil(() -> sent.get() != null, "the message sent");
                    received.set(sys.receive(Duration.ZERO, port));
                })
                .add("source", "", () -> sys -> {
                    Handle sink = sys.lookup("sink", SHORT).orThrow();
                    ready.incrementAndGet();
                    spinUntil(go::get, "go");
                    sent.set(sys.send(sink, Message.of(1, new byte[] {1})));
                });
        try (Kernel k = TestKernels.kernel(1, SchedulerMode.FREE, programs, fastPath)) {
            k.spawn("sink", "sink", new byte[0], false).orThrow();
            k.spawn("source", "source", new byte[0], false).orThrow();
            spinUntil(() -> ready.get() == 2, "both tasks past their set-up");
            k.scheduler.lock.lock();
            try {
                go.set(true);
                if (fastPath) {
                    spinUntil(() -> received.get() != null, "the message, sent and received without the lock");
                } else {
                    long start = System.nanoTime();
                    while (System.nanoTime() - start < WAITS_NANOS) {
                        Thread.onSpinWait();
                    }
                    assertNull(sent.get(), "a send on the locked path waits for the lock");
                }
            } finally {
                k.scheduler.lock.unlock();
            }
            spinUntil(() -> received.get() != null, "the message, once the lock is free");
            assertTrue(sent.get().isOk(), String.valueOf(sent.get()));
            assertEquals(1, received.get().orThrow().msgId());
        }
    }
}
