package org.microsim.harness.script;

/** How running a command went. {@link #text()} is what {@code expect output ...} looks at. */
public sealed interface Outcome {
    /** The output, or the message saying why there is none. */
    String text();

    /**
     * The command did its job.
     *
     * @param output what it printed
     */
    record Success(String output) implements Outcome {
        @Override
        public String text() {
            return output;
        }
    }

    /**
     * The command could not do its job.
     *
     * @param message why
     */
    record Failure(String message) implements Outcome {
        @Override
        public String text() {
            return message;
        }
    }

    /**
     * The command was given wrong arguments.
     *
     * @param message what is wrong
     * @param usage the command's usage line, empty when it would not help
     */
    record Misuse(String message, String usage) implements Outcome {
        @Override
        public String text() {
            return message;
        }

        /**
         * Whether the usage line is not to be printed after the message: the message already says "usage: " and
         * the line, or there is none to print.
         */
        public boolean quotesUsage() {
            return usage.isEmpty() || message.contains("usage: " + usage);
        }
    }

    /**
     * An unexpected exception escaped the command: a bug, reported without a stack trace unless asked.
     *
     * @param cause the exception
     */
    record Crash(Throwable cause) implements Outcome {
        @Override
        public String text() {
            String message = cause.getMessage();
            return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        }
    }
}
