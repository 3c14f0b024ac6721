package org.microsim.abi;

/**
 * Bytes that do not decode: a message, a PortInfo, a table on disk. Checked on purpose: a server that
 * decodes a request must decide what to answer, it cannot let the error escape by accident.
 */
public class MalformedException extends Exception {
    public MalformedException(String message) {
        super(message);
    }
}
