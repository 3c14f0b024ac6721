package org.microsim.harness.script;

import java.util.List;

/**
 * How many words a command takes, checked with one message form for every command: it says what was wrong
 * ("ls takes at most 1 argument, got 3"), and the caller prints the usage line once after it.
 */
public final class Arity {
    private Arity() {
    }

    /**
     * Checks that {@code name} got between {@code min} and {@code max} arguments.
     *
     * @throws UsageException saying how many it takes and how many it got
     */
    public static void check(List<String> args, int min, int max, String name) throws UsageException {
        int got = args.size();
        if (got >= min && got <= max) {
            return;
        }
        String takes;
        if (max == 0) {
            takes = "takes no arguments";
        } else if (min == max) {
            takes = "takes " + arguments(min);
        } else if (got < min) {
            takes = "takes at least " + arguments(min);
        } else {
            takes = "takes at most " + arguments(max);
        }
        throw new UsageException(name + " " + takes + ", got " + got);
    }

    private static String arguments(int n) {
        return n + (n == 1 ? " argument" : " arguments");
    }
}
