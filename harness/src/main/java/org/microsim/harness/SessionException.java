package org.microsim.harness;

/**
 * A session could not be opened: a {@code --drive} or {@code --nic} value that does not parse, an image
 * file that cannot be read. The message is shown to the user as {@code sim: MESSAGE} (exit code 2).
 */
public final class SessionException extends Exception {
    /** @param message what is wrong, naming the option or file */
    public SessionException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the option or file
     * @param cause the underlying error, shown only with {@code --debug}
     */
    public SessionException(String message, Throwable cause) {
        super(message, cause);
    }
}
