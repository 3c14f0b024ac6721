package org.microsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.kernel.TestKernels.echo;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;

/** Hung and slow tasks, through the console as their caller, and the FAULT events in the trace. */
class TaskFaultsTest {
    private static final Duration CALL = Duration.ofSeconds(5);

    private static Kernel withEcho(SchedulerMode mode) {
        Kernel k = TestKernels.kernel(1, mode, new ProgramCatalog().add("echo", "", () -> echo("echo")));
        k.spawn("echo", "echo", new byte[0], false).orThrow();
        k.settle();
        return k;
    }

    private static Result<Message> ping(Kernel k) {
        Sys console = k.console();
        Handle echo = console.lookup("echo", Duration.ZERO).orThrow();
        try {
            return console.call(echo, Message.of(1, new byte[] {7}), CALL);
        } finally {
            console.close(echo);
        }
    }

    private static TaskId echoId(Kernel k) {
        return k.tasks().stream().filter(t -> t.name().equals("echo")).findFirst().orElseThrow().id();
    }

    @ParameterizedTest
    @EnumSource(SchedulerMode.class)
    void aHungTaskIsAliveButItsCallersTimeOutUntilTheHangIsCleared(SchedulerMode mode) {
        try (Kernel k = withEcho(mode)) {
            TaskId echo = echoId(k);
            k.faults().hang(echo).orThrow();
            assertEquals(ErrorCode.TIMED_OUT, ping(k).errorOrNull().code());
            TaskInfo info = k.tasks().stream().filter(t -> t.id().equals(echo)).findFirst().orElseThrow();
            assertTrue(info.state().alive());
            assertEquals(List.of("echo hang"), k.faults().active());

            assertEquals(1, k.faults().clear());
            k.settle();
            assertTrue(ping(k).isOk(), "cleared, it goes on where it stopped");
            assertEquals(List.of(), k.faults().active());
        }
    }

    @Test
    void aCrashEndsAHang() {
        try (Kernel k = withEcho(SchedulerMode.DETERMINISTIC)) {
            TaskId echo = echoId(k);
            k.faults().hang(echo).orThrow();
            ping(k);
            k.kill(echo, true, "test").orThrow();
            k.settle();
            TaskInfo info = k.tasks().stream().filter(t -> t.id().equals(echo)).findFirst().orElseThrow();
            assertEquals(TaskState.CRASHED, info.state());
            assertEquals(List.of(), k.faults().active(), "a dead task has no fault to list");
        }
    }

    @Test
    void aSlowTaskPaysItsCostInVirtualTimeOnEverySystemCall() {
        try (Kernel k = withEcho(SchedulerMode.DETERMINISTIC)) {
            long before = k.now();
            assertTrue(ping(k).isOk());
            long fast = k.now() - before;
            k.faults().slow(echoId(k), Duration.ofMillis(100)).orThrow();
            before = k.now();
            assertTrue(ping(k).isOk());
            long slow = k.now() - before;
            assertTrue(slow >= Duration.ofMillis(100).toNanos() + fast, "a ping took " + slow + " ns");
            assertEquals(ErrorCode.INVALID_ARGUMENT, k.faults().slow(echoId(k), Duration.ZERO).errorOrNull().code());
        }
    }

    @Test
    void everyFaultIsATraceEventAndTheSameRunGivesTheSameTrace() {
        long[] fingerprints = new long[2];
        for (int run = 0; run < 2; run++) {
            try (Kernel k = withEcho(SchedulerMode.DETERMINISTIC)) {
                k.faults().hang(echoId(k)).orThrow();
                ping(k);
                k.faults().record("fault disk ahci0:disk0 error=io");
                k.faults().clear();
                k.settle();
                List<String> faults = k.trace().events().stream().filter(e -> e.kind() == TraceEvent.Kind.FAULT)
                        .map(e -> e.taskName() + ": " + e.detail()).toList();
                assertEquals(List.of("echo: hang", "kernel: fault disk ahci0:disk0 error=io", "echo: clear"), faults);
                fingerprints[run] = k.trace().fingerprint();
            }
        }
        assertEquals(fingerprints[0], fingerprints[1]);
    }
}
