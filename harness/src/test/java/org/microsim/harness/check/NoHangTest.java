package org.microsim.harness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.microsim.harness.Session;
import org.microsim.harness.SessionFactory;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.kernel.TraceEvent;

/**
 * The no-hang invariant on a scripted machine whose commands print what a machine in trouble would: a command
 * that timed out, or a task still blocked in a call to a port that is gone once the run has settled.
 */
class NoHangTest {
    private static final String PORTS = """
            NAME                   CLASS                OWNER          GEN  QUEUED    CAPS
            vfs                    service              vfs#5.0        1    0/256     -
            shell                  service              shell#10.0     1    0/64      -""";

    private record Canned(String name, String output) implements Command {
        @Override
        public String usage() {
            return name;
        }

        @Override
        public String help() {
            return name;
        }

        @Override
        public String run(List<String> args) throws CommandFailedException {
            if (output.startsWith("!")) {
                throw new CommandFailedException(output.substring(1));
            }
            return output;
        }
    }

    private static SessionFactory machine(String ps, String sync) {
        return options -> new Session() {
            @Override
            public List<Command> commands() {
                return List.of(new Canned("boot", "booted"), new Canned("sleep", "now 3s"),
                        new Canned("services", "vfs ready restarts=0 deps=-"), new Canned("ports", PORTS),
                        new Canned("ps", ps), new Canned("sync", sync), new Canned("fault", "no faults to clear"));
            }

            @Override
            public List<TraceEvent> trace() {
                return List.of();
            }

            @Override
            public void close() {
                // Nothing runs.
            }
        };
    }

    private static Optional<Violation> run(String ps, String sync) throws Trial.BadScenario {
        return new Trial(machine(ps, sync), false).run(List.of("boot", "sync"), 1).violation();
    }

    @Test
    void aTaskBlockedInACallToAGonePortIsAHang() throws Exception {
        String stuck = """
                ID       NAME                     PROGRAM    STATE    DETAIL
                5.0      vfs                      vfs        blocked  receive vfs
                10.0     shell                    shell      blocked  call fat:ahci0:disk0p2""";
        assertEquals(Optional.of(new Violation(Invariant.NO_HANG,
                "task shell is blocked in a call to fat:ahci0:disk0p2, a port that no longer exists")), run(stuck, "synced"));
        String waiting = stuck.replace("call fat:ahci0:disk0p2", "call vfs");
        assertEquals(Optional.empty(), run(waiting, "synced"));
    }

    @Test
    void aCommandThatTimedOutIsAHangAndTheReplayableFileLetsItFail() throws Exception {
        Trial.Result result = new Trial(machine("", "!vfs did not answer: TIMED_OUT: no reply in 30 s"), false)
                .run(List.of("boot", "sync"), 1);
        assertEquals(Optional.of(Invariant.NO_HANG), result.violation().map(Violation::invariant));
        assertEquals(List.of("boot", "sync"), result.replayable(), "no expect error after the hang");
    }
}
