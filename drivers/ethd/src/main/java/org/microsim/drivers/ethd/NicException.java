package org.microsim.drivers.ethd;

/** The NIC does not behave as its manual says: ethd logs why and ends, and its supervisor decides. */
final class NicException extends Exception {
    NicException(String message) {
        super(message);
    }
}
