package org.microsim.services.netd.wire;

/**
 * A packet that cannot be what it claims: too short, a length that runs past the buffer, a wrong checksum, a
 * field with a value this stack does not speak. The message is one short sentence ("IPv4 header checksum is
 * wrong") that netd can log and count as it is; a bad packet from the wire is an everyday event, not a bug, so
 * this carries no cause and no stack trace is worth keeping.
 */
public final class MalformedPacketException extends Exception {
    /** @param reason one short sentence saying what is wrong, for a log line or a counter's name */
    public MalformedPacketException(String reason) {
        super(reason, null, false, false);
    }

    /** The sentence given at construction. */
    public String reason() {
        return getMessage();
    }
}
