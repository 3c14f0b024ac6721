package org.microsim.harness.script;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * {@code help [NAME]}: the commands with their usage and one line of help, then a short reference of the
 * language itself; {@code help NAME} for one command, {@code help expect} for the expectations. It reads the
 * {@link CommandSet} when run, so commands added later are listed too.
 */
final class HelpCommand implements Command {
    /** The topic that is not a command. */
    static final String EXPECT_TOPIC = StatementParser.EXPECT;

    private static final String EXPECTATIONS = """
            Expectations check the last command:
              expect output contains "TEXT"   its output contains TEXT
              expect output matches "REGEX"   a Java regular expression is found in its output
              expect error                    it failed (its message is then its output)
            In a scenario, a command that fails is a failure of the scenario (exit 1) unless an
            `expect error` follows it; the expectations after a command may come in any order.""";

    private static final String LANGUAGE = """
            One command per line. Words are separated by spaces; "double quotes" keep spaces and #,
            with \\" and \\\\ inside them. # starts a comment. `sim run FILE` exits 0 when every
            expectation holds, 1 when one fails, 2 on bad input.""";

    private final CommandSet commands;

    HelpCommand(CommandSet commands) {
        this.commands = commands;
    }

    @Override
    public String name() {
        return "help";
    }

    @Override
    public String usage() {
        return "help [NAME]";
    }

    @Override
    public String help() {
        return "list the commands, or explain one (help expect: the expectations)";
    }

    /** What {@code help} accepts as an argument: every command name and {@code expect}. */
    SortedSet<String> topics() {
        SortedSet<String> topics = new TreeSet<>(commands.names());
        topics.add(EXPECT_TOPIC);
        return topics;
    }

    @Override
    public String run(List<String> args) throws CommandException {
        if (args.size() > 1) {
            throw new UsageException("help takes at most one NAME");
        }
        if (args.isEmpty()) {
            return overview();
        }
        String topic = args.get(0);
        if (topic.equals(EXPECT_TOPIC)) {
            return EXPECTATIONS;
        }
        // Like kill of a task that does not exist: a well-formed request that fails, not a misuse.
        Command command = commands.find(topic).orElseThrow(
                () -> new CommandFailedException("no command " + Lexer.quote(topic) + "; help lists the commands"));
        return "usage: " + command.usage() + "\n" + command.help();
    }

    private String overview() {
        List<Command> all = commands.all();
        int width = all.stream().mapToInt(c -> c.usage().length()).max().orElse(0) + 2;
        StringBuilder text = new StringBuilder("Commands:\n");
        for (Command command : all) {
            String usage = command.usage();
            text.append("  ").append(usage).append(" ".repeat(width - usage.length()))
                    .append(command.help()).append('\n');
        }
        return text.append(EXPECTATIONS).append('\n').append(LANGUAGE).toString();
    }
}
