package org.microsim.harness.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.Session;
import org.microsim.harness.SessionException;
import org.microsim.harness.SessionFactory;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandException;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.harness.session.SimSessionFactory;
import org.microsim.kernel.TraceEvent;

/**
 * The real machine with a planted bug, for tests only: a {@code sync} that races the one before it (comes within
 * {@link #RACE_WINDOW_NANOS} of virtual time of it) loses the last line appended before it, as a file system
 * whose two overlapping flushes both think the other wrote the buffer would. The loss is real: the file is
 * rewritten on the simulated disk without its last line, through the machine's own commands, after the append
 * was acknowledged. A campaign must find it, and shrink it to the few lines that trigger it.
 */
final class LosingSyncMachines implements SessionFactory {
    static final long RACE_WINDOW_NANOS = 1_000_000;
    private static final Pattern NANOS = Pattern.compile("\\((\\d+) ns\\)");

    @Override
    public Session open(MachineOptions options) throws SessionException {
        Session real = new SimSessionFactory().open(options);
        List<Command> commands = real.commands();
        Bug bug = new Bug(find(commands, "time"), find(commands, "cat"), find(commands, "rm"), find(commands, "append"));
        List<Command> wrapped = new ArrayList<>();
        for (Command command : commands) {
            wrapped.add(switch (command.name()) {
                case "sync" -> new Wrapped(command, bug::beforeSync, bug::afterSync);
                case "append" -> new Wrapped(command, args -> { }, bug::appended);
                default -> command;
            });
        }
        return new Session() {
            @Override
            public List<Command> commands() {
                return wrapped;
            }

            @Override
            public List<TraceEvent> trace() {
                return real.trace();
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }

    private static Command find(List<Command> commands, String name) {
        return commands.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** Something to do around a command. */
    @FunctionalInterface
    private interface Hook {
        void run(List<String> args) throws CommandException;
    }

    /** A command with a hook before and after it. */
    private record Wrapped(Command inner, Hook before, Hook after) implements Command {
        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public String usage() {
            return inner.usage();
        }

        @Override
        public String help() {
            return inner.help();
        }

        @Override
        public String run(List<String> args) throws CommandException {
            before.run(args);
            String output = inner.run(args);
            after.run(args);
            return output;
        }
    }

    /** The planted bug's state: when the last sync ended, and which file was appended to last. */
    private static final class Bug {
        private final Command time;
        private final Command cat;
        private final Command rm;
        private final Command append;
        private long lastSync = -1;
        private Optional<String> lastAppended = Optional.empty();

        Bug(Command time, Command cat, Command rm, Command append) {
            this.time = time;
            this.cat = cat;
            this.rm = rm;
            this.append = append;
        }

        void appended(List<String> args) {
            lastAppended = Optional.of(args.getFirst());
        }

        void beforeSync(List<String> args) throws CommandException {
            if (lastSync < 0 || now() - lastSync >= RACE_WINDOW_NANOS || lastAppended.isEmpty()) {
                return;
            }
            String file = lastAppended.get();
            lastAppended = Optional.empty();
            List<String> lines;
            try {
                lines = cat.run(List.of(file)).lines().toList();
            } catch (CommandFailedException e) {
                return; // the file is gone already: nothing to lose
            }
            rm.run(List.of(file));
            for (String line : lines.subList(0, Math.max(0, lines.size() - 1))) {
                List<String> words = new ArrayList<>(List.of(file));
                words.addAll(List.of(line.split(" ")));
                append.run(words);
            }
        }

        void afterSync(List<String> args) throws CommandException {
            lastSync = now();
        }

        private long now() throws CommandException {
            Matcher m = NANOS.matcher(time.run(List.of()));
            if (!m.find()) {
                throw new IllegalStateException("time printed no nanoseconds");
            }
            return Long.parseLong(m.group(1));
        }
    }
}
