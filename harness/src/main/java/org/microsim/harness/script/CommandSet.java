package org.microsim.harness.script;

import com.google.common.collect.ImmutableSortedSet;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The commands a console or scenario can use, by name. Names are kept sorted, so that {@code help} and
 * completion list them in a stable order. {@code expect} is a word of the language, not a command, so no
 * command may take it.
 */
public final class CommandSet {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");

    private final SortedMap<String, Command> byName = new TreeMap<>();
    private final Foreground foreground = new Foreground();
    private volatile ArgumentCompleter arguments = (command, before, prefix) -> List.of();
    /** The columns of the screen the output goes to, for {@code help}; the console keeps it current. */
    private volatile int width = Text.DEFAULT_WIDTH;

    /**
     * Adds a command.
     *
     * @return this set, for chaining
     * @throws IllegalArgumentException if the name is taken, reserved or not a lower-case word
     */
    public CommandSet add(Command command) {
        String name = command.name();
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "bad command name \"" + name + "\": lower-case letters, digits, - and _");
        }
        if (name.equals(StatementParser.EXPECT)) {
            throw new IllegalArgumentException("\"expect\" is a word of the language, not a command");
        }
        if (byName.putIfAbsent(name, command) != null) {
            throw new IllegalArgumentException("two commands named \"" + name + "\"");
        }
        return this;
    }

    /** The command with this name, if any. */
    public Optional<Command> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The names, sorted. */
    public SortedSet<String> names() {
        return ImmutableSortedSet.copyOf(byName.keySet());
    }

    /** The commands, sorted by name. */
    public List<Command> all() {
        return List.copyOf(byName.values());
    }

    /** How wide output may be: the terminal's width, or {@link Text#DEFAULT_WIDTH}. */
    public int width() {
        return width;
    }

    /** Sets the width output may take; a terminal that does not know its width gives 0, meaning the default. */
    public void width(int columns) {
        width = columns > 0 ? columns : Text.DEFAULT_WIDTH;
    }

    /** The command running in the foreground: its live lines and its Ctrl-C. */
    public Foreground foreground() {
        return foreground;
    }

    /** What the argument being typed may be, for Tab in the console: paths, task names... */
    @FunctionalInterface
    public interface ArgumentCompleter {
        /**
         * The completions; none, never an error, when they cannot be had (the machine is not booted).
         *
         * @param command the command's name
         * @param before the arguments before the one being typed
         * @param prefix what is typed of it so far
         */
        List<Completion> complete(String command, List<String> before, String prefix);
    }

    /** Completes the arguments of the commands with {@code completer} (the machine's). */
    public void completeArgumentsWith(ArgumentCompleter completer) {
        arguments = completer;
    }

    /** The completions of an argument of {@code command}. */
    public List<Completion> completeArgument(String command, List<String> before, String prefix) {
        return arguments.complete(command, before, prefix);
    }
}
