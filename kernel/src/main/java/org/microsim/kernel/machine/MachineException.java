package org.microsim.kernel.machine;

/**
 * Why a machine cannot be built as asked: a bad option word, a disk image that is missing, unreadable or of
 * a size that is not whole sectors. The message is written for the user and names the word or the path.
 */
public final class MachineException extends Exception {
    /** An error with a message for the user. */
    public MachineException(String message) {
        super(message);
    }

    /** An error with a message for the user and its cause. */
    public MachineException(String message, Throwable cause) {
        super(message, cause);
    }
}
