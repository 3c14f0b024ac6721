package org.microsim.abi;

/**
 * The reply convention every protocol shares: {@link MsgIds#REPLY_OK} with the protocol's payload, or
 * {@link MsgIds#REPLY_ERROR} with a u16 protocol-specific error code and a UTF-8 sentence.
 */
public final class Replies {
    private Replies() {
    }

    /** A failure reply, decoded. */
    public record Failure(int code, String detail) {
    }

    public static Message ok() {
        return Message.of(MsgIds.REPLY_OK);
    }

    public static Message ok(byte[] payload, Handle... handles) {
        return Message.of(MsgIds.REPLY_OK, payload, handles);
    }

    public static Message error(int code, String detail) {
        String bounded = detail.length() > 300 ? detail.substring(0, 300) + "..." : detail;
        return Message.of(MsgIds.REPLY_ERROR, new WireWriter().u16(code).string(bounded).toByteArray());
    }

    public static Message error(ErrorCode code, String detail) {
        return error(code.code(), detail);
    }

    /** The error reply for a protocol's failure: its code and its sentence. */
    public static Message error(ProtocolException failure) {
        return error(failure.code(), failure.getMessage());
    }

    /**
     * Checks that an OK reply carries nothing: the reply type of requests answered with an empty payload.
     *
     * @return null, the only {@code Void}
     * @throws MalformedException when the reply has bytes or handles
     */
    public static Void empty(Message reply) throws MalformedException {
        if (reply.size() != 0 || !reply.handles().isEmpty()) {
            throw new MalformedException("expected an empty reply, got " + reply.size() + " bytes and "
                    + reply.handles().size() + " handles");
        }
        return null;
    }

    /**
     * The failure a reply carries, or null when it is a success.
     *
     * @throws MalformedException when the reply is neither a well-formed success nor a well-formed failure
     */
    public static Failure failure(Message reply) throws MalformedException {
        return switch (reply.msgId()) {
            case MsgIds.REPLY_OK -> null;
            case MsgIds.REPLY_ERROR -> {
                WireReader r = reply.reader();
                Failure f = new Failure(r.u16("error code"), r.string("error detail"));
                r.end("error reply");
                yield f;
            }
            default -> throw new MalformedException("reply has msg id " + reply.msgId() + ", expected 0 or 1");
        };
    }
}
