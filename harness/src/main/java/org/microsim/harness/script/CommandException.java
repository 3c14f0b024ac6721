package org.microsim.harness.script;

/**
 * Why a command did not produce output: either its line was wrong ({@link UsageException}) or it could not
 * do its job ({@link CommandFailedException}). The message is for people and is shown as is.
 */
public abstract sealed class CommandException extends Exception
        permits UsageException, CommandFailedException {
    CommandException(String message) {
        super(message);
    }
}
