package org.microsim.testkit.action;

import org.microsim.harness.script.Lexer;
import java.time.Duration;

/**
 * One step a test does to a machine, as the one scenario line that does it: the console's language is the
 * vocabulary, so a list of actions is a scenario ({@link #toScenarioLine()}) and a failing chain prints a {@code .scn}
 * that {@code sim run} replays. Faults are {@link Fault}s, the {@code fault} command's lines, written by the same
 * records the command parses into (one grammar, whoever writes the line).
 */
public sealed interface Action permits Action.Write, Action.Append, Action.Mkdir, Action.Remove, Action.Sync,
        Action.Crash, Action.Restart, Action.Sleep, Action.UsbDetach, Action.UsbAttach, Action.Link, Action.Spawn,
        Action.Fault {
    /** The scenario line that does this. */
    String toScenarioLine();

    /**
     * A {@code fault} line: disk errors, a task that hangs, crashes or slows down, a lossy or cut link, a USB stick
     * pulled out, lost interrupts, or {@code fault clear}. Times ({@code at=}) are virtual, from boot; what a fault
     * draws comes from the machine's seed, so a fault schedule replays.
     */
    record Fault(org.microsim.harness.session.Fault fault) implements Action {
        @Override
        public String toScenarioLine() {
            return fault.toCommand();
        }
    }

    /** {@code write PATH TEXT}: the file holds exactly the line, acknowledged on the disk once it returns. */
    record Write(String path, String text) implements Action {
        @Override
        public String toScenarioLine() {
            return "write " + Lexer.word(path) + " " + Lexer.word(text);
        }
    }

    /** {@code append PATH TEXT}: the line is added at the end of the file, acknowledged once it returns. */
    record Append(String path, String text) implements Action {
        @Override
        public String toScenarioLine() {
            return "append " + Lexer.word(path) + " " + Lexer.word(text);
        }
    }

    /** {@code mkdir PATH}. */
    record Mkdir(String path) implements Action {
        @Override
        public String toScenarioLine() {
            return "mkdir " + Lexer.word(path);
        }
    }

    /** {@code rm PATH}. */
    record Remove(String path) implements Action {
        @Override
        public String toScenarioLine() {
            return "rm " + Lexer.word(path);
        }
    }

    /** {@code sync}: every file system writes back what it holds. */
    record Sync() implements Action {
        @Override
        public String toScenarioLine() {
            return "sync";
        }
    }

    /** {@code crash TASK} or, with {@code kill}, {@code kill TASK}. */
    record Crash(String task, boolean kill) implements Action {
        @Override
        public String toScenarioLine() {
            return (kill ? "kill " : "crash ") + Lexer.word(task);
        }
    }

    /** {@code restart SERVICE}, {@code stop SERVICE} or {@code start SERVICE}. */
    record Restart(String verb, String service) implements Action {
        public Restart {
            if (!verb.equals("restart") && !verb.equals("stop") && !verb.equals("start")) {
                throw new IllegalArgumentException("restart, stop or start, not " + verb);
            }
        }

        @Override
        public String toScenarioLine() {
            return verb + " " + Lexer.word(service);
        }
    }

    /** {@code sleep DURATION}: virtual time passes. */
    record Sleep(Duration duration) implements Action {
        @Override
        public String toScenarioLine() {
            return "sleep " + duration.toMillis() + "ms";
        }
    }

    /** {@code usb detach PORT|DEVICE}. */
    record UsbDetach(String which) implements Action {
        @Override
        public String toScenarioLine() {
            return "usb detach " + Lexer.word(which);
        }
    }

    /** {@code usb attach file=IMAGE[,persist=on],port=N}. */
    record UsbAttach(String image, boolean persist, int port) implements Action {
        @Override
        public String toScenarioLine() {
            return "usb attach " + Lexer.word("file=" + image + (persist ? ",persist=on" : "") + ",port=" + port);
        }
    }

    /** {@code link down|up IFACE}. */
    record Link(String iface, boolean up) implements Action {
        @Override
        public String toScenarioLine() {
            return "link " + (up ? "up " : "down ") + Lexer.word(iface);
        }
    }

    /** {@code spawn PROGRAM ARGS...}: an IPC workload ({@code echo}, {@code pinger N}, {@code udpecho}...). */
    record Spawn(String program, java.util.List<String> args) implements Action {
        public Spawn {
            args = java.util.List.copyOf(args);
        }

        @Override
        public String toScenarioLine() {
            StringBuilder line = new StringBuilder("spawn ").append(Lexer.word(program));
            args.forEach(a -> line.append(' ').append(Lexer.word(a)));
            return line.toString();
        }
    }
}
