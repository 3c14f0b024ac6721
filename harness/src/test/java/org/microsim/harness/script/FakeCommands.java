package org.microsim.harness.script;

import java.util.List;

/** Commands that succeed, fail, misuse and crash on demand, to test the language without a machine. */
public final class FakeCommands {
    private FakeCommands() {
    }

    /** The built-ins plus {@code fail MESSAGE}, {@code one ARG}, {@code boom} and {@code lines N}. */
    static CommandSet commandSet() {
        return Builtins.commandSet()
                .add(simple("fail", "fail MESSAGE", args -> {
                    throw new CommandFailedException(String.join(" ", args));
                }))
                .add(simple("one", "one ARG", args -> {
                    if (args.size() != 1) {
                        throw new UsageException("one takes exactly one ARG");
                    }
                    return args.get(0);
                }))
                .add(simple("boom", "boom", args -> {
                    throw new IllegalStateException("kaboom");
                }))
                .add(simple("lines", "lines N", args -> {
                    StringBuilder text = new StringBuilder();
                    for (int i = 1; i <= Integer.parseInt(args.get(0)); i++) {
                        text.append("line ").append(i).append('\n');
                    }
                    return text.toString();
                }));
    }

    /** What a fake command does. */
    public interface Body {
        String run(List<String> args) throws CommandException;
    }

    /** A command that runs {@code body}. */
    public static Command simple(String name, String usage, Body body) {
        return new Command() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String usage() {
                return usage;
            }

            @Override
            public String help() {
                return "a fake for tests";
            }

            @Override
            public String run(List<String> args) throws CommandException {
                return body.run(args);
            }
        };
    }
}
