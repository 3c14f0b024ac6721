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

    /** The three expectations: form and meaning, laid out as the commands are. */
    private static final List<String[]> EXPECTATION_FORMS = List.of(
            new String[] {"expect output contains \"TEXT\"", "its output contains TEXT"},
            new String[] {"expect output matches \"REGEX\"", "a Java regular expression is found in its output"},
            new String[] {"expect error", "it failed (its message is then its output)"});

    private static final String EXPECTATIONS_AFTER = "In a scenario, a command that fails is a failure of the "
            + "scenario (exit 1) unless an `expect error` follows it; the expectations after a command may come "
            + "in any order.";

    private static final String LANGUAGE = "One command per line. Words are separated by spaces; \"double quotes\" "
            + "keep spaces and #, with \\\" and \\\\ inside them. # starts a comment. `sim run FILE` exits 0 when "
            + "every expectation holds, 1 when one fails, 2 on bad input.";

    /** A usage longer than this has its help on the next line, so that one long usage does not squeeze all. */
    private static final int USAGE_COLUMN = 30;
    /** The narrowest help column worth having beside the usages. */
    private static final int MIN_HELP = 30;

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
        Arity.check(args, 0, 1, "help");
        if (args.isEmpty()) {
            return overview();
        }
        String topic = args.get(0);
        if (topic.equals(EXPECT_TOPIC)) {
            return expectations(commands.width());
        }
        // Like kill of a task that does not exist: a well-formed request that fails, not a misuse.
        Command command = commands.find(topic).orElseThrow(
                () -> new CommandFailedException("no command " + Lexer.quote(topic) + "; help lists the commands"));
        return "usage: " + command.usage() + "\n" + command.help();
    }

    private String overview() {
        int width = commands.width();
        List<String[]> rows = commands.all().stream().map(c -> new String[] {c.usage(), c.help()}).toList();
        return "Commands:\n" + table(rows, width) + expectations(width) + "\n" + paragraph(LANGUAGE, width);
    }

    private static String expectations(int width) {
        return "Expectations check the last command:\n" + table(EXPECTATION_FORMS, width)
                + paragraph(EXPECTATIONS_AFTER, width);
    }

    /**
     * Two columns, the second wrapped to what is left of {@code width}; a first column wider than
     * {@link #USAGE_COLUMN} has the second start on the next line, as every one does when fewer than
     * {@link #MIN_HELP} columns would be left for it.
     */
    private static String table(List<String[]> rows, int width) {
        int widest = 2 + rows.stream().mapToInt(r -> r[0].length()).filter(n -> n <= USAGE_COLUMN).max().orElse(0)
                + 2;
        // On a narrow terminal every help goes under its usage, indented.
        int column = width - widest >= MIN_HELP ? widest : 4;
        String indent = " ".repeat(column);
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            text.append("  ").append(row[0]);
            int at = 2 + row[0].length();
            if (at + 2 > column) {
                text.append('\n');
                at = 0;
            }
            text.append(" ".repeat(column - at));
            text.append(String.join("\n" + indent, Text.wrap(row[1], width - column))).append('\n');
        }
        return text.toString();
    }

    private static String paragraph(String text, int width) {
        return String.join("\n", Text.wrap(text, width)) + "\n";
    }
}
