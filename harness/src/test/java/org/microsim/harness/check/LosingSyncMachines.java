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
        return HookedCommand.rewired(new SimSessionFactory().open(options), commands -> {
            Bug bug = new Bug(HookedCommand.find(commands, "time"), HookedCommand.find(commands, "cat"),
                    HookedCommand.find(commands, "rm"), HookedCommand.find(commands, "append"));
            return commands.stream().map(command -> switch (command.name()) {
                case "sync" -> (Command) new HookedCommand(command, bug::beforeSync, bug::afterSync);
                case "append" -> new HookedCommand(command, HookedCommand.Hook.NOTHING, bug::appended);
                default -> command;
            }).toList();
        });
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
