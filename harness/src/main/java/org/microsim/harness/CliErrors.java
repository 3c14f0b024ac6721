package org.microsim.harness;

import java.io.PrintStream;

/**
 * How the command line reports trouble: a bad option is one line naming it and a hint to use
 * {@code --help} (exit code 2); an exception that nothing expected is one line too, its stack trace only
 * with {@code --debug}. A user never sees a usage dump or a Java stack trace unasked.
 */
final class CliErrors {
    /** The exit code of a command line that cannot be run. */
    static final int BAD_INPUT = 2;

    private CliErrors() {
    }

    /** A usage error of {@code command}: the message, then the hint on a second line. */
    static String usage(String command, String message) {
        return "sim: " + message + System.lineSeparator() + "Try '" + command + " --help' for more information.";
    }

    /** An exception nothing expected, from any command. */
    static int internalError(Throwable e, PrintStream err, boolean debug) {
        if (debug) {
            e.printStackTrace(err);
        }
        String message = e.getMessage();
        err.println("sim: internal error: " + e.getClass().getSimpleName() + (message == null ? "" : ": " + message)
                + (debug ? "" : " (--debug shows the stack trace)"));
        return BAD_INPUT;
    }
}
