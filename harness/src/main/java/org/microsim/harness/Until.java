package org.microsim.harness;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.microsim.harness.script.Breakpoint;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.CommandException;
import org.microsim.harness.script.Durations;
import org.microsim.harness.script.Invocation;
import org.microsim.harness.script.UsageException;

/**
 * The breakpoint of {@code sim run --until TIME}: the scenario runs while the virtual clock is before TIME. A
 * {@code sleep} that would cross TIME is cut to end on it, so a scenario of sleeps stops exactly there; any other
 * command runs to its end (a command is the unit of a scenario, as an instruction is of rr's replay), and the run
 * stops at the first command boundary at or past TIME. A scenario that ends sooner is followed by a sleep to TIME.
 * The clock is read with the machine's own {@code time} command, so this works on any session that has one.
 */
final class Until implements Breakpoint {
    private static final Pattern NANOS = Pattern.compile("\\((\\d+) ns\\)");

    private final CommandSet commands;
    private final long at;

    Until(CommandSet commands, Duration at) {
        this.commands = commands;
        this.at = at.toNanos();
    }

    @Override
    public Decision before(Invocation next) {
        Optional<Long> now = now();
        if (now.isEmpty()) {
            return new Decision.Go();
        }
        if (now.get() >= at) {
            return new Decision.Stop();
        }
        if (next.command().name().equals("sleep") && next.args().size() == 1) {
            Optional<Duration> sleep = duration(next.args().getFirst());
            if (sleep.isPresent() && now.get() + sleep.get().toNanos() > at) {
                return new Decision.LastThen(new Invocation(next.command(), List.of((at - now.get()) + "ns")));
            }
        }
        return new Decision.Go();
    }

    /** After the scenario: lets the clock reach TIME if it has not; returns the virtual time now, printed. */
    String reach() {
        Optional<Long> now = now();
        Optional<Command> sleep = commands.find("sleep");
        if (now.isPresent() && now.get() < at && sleep.isPresent()) {
            try {
                sleep.get().run(List.of((at - now.get()) + "ns"));
            } catch (CommandException e) {
                return "before " + e.getMessage();
            }
        }
        return now().map(Durations::format)
                .orElse("the start (the machine is not booted)");
    }

    private Optional<Long> now() {
        Optional<Command> time = commands.find("time");
        if (time.isEmpty()) {
            return Optional.empty();
        }
        try {
            Matcher m = NANOS.matcher(time.get().run(List.of()));
            return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
        } catch (CommandException e) {
            return Optional.empty(); // not booted yet: no clock to stop on
        }
    }

    private static Optional<Duration> duration(String word) {
        try {
            return Optional.of(Durations.parse(word));
        } catch (UsageException e) {
            return Optional.empty();
        }
    }
}
