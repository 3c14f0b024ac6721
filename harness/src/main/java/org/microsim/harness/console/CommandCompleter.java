package org.microsim.harness.console;

import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.microsim.harness.script.Builtins;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.StatementParser;

/**
 * Tab completion for the language: command names (with their help as description) and {@code expect} as
 * the first word, the topics of {@code help}, the words of the three expectations, and the arguments a
 * machine knows how to complete ({@link CommandSet#completeArgument}: paths, tasks, services...). It reads the {@link CommandSet} on every completion, so commands added later complete too.
 */
final class CommandCompleter implements Completer {
    private final CommandSet commands;

    CommandCompleter(CommandSet commands) {
        this.commands = commands;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> words = line.words();
        int index = line.wordIndex();
        if (index == 0) {
            commands.all().forEach(command -> candidates.add(
                    new Candidate(command.name(), command.name(), null, command.help(), null, null, true)));
            candidates.add(new Candidate(StatementParser.EXPECT, StatementParser.EXPECT, null,
                    "check the last command's output or error", null, null, true));
            return;
        }
        String first = words.get(0);
        if (first.equals("help") && index == 1) {
            Builtins.helpTopics(commands).forEach(topic -> candidates.add(new Candidate(topic)));
        } else if (first.equals(StatementParser.EXPECT) && index == 1) {
            candidates.add(new Candidate("output"));
            candidates.add(new Candidate("error"));
        } else if (first.equals(StatementParser.EXPECT) && index == 2 && words.get(1).equals("output")) {
            candidates.add(new Candidate("contains"));
            candidates.add(new Candidate("matches"));
        } else {
            String prefix = line.word().substring(0, line.wordCursor());
            commands.completeArgument(first, words.subList(1, index), prefix).forEach(
                    c -> candidates.add(new Candidate(c.value(), c.value(), null, null, null, null, c.complete())));
        }
    }
}
