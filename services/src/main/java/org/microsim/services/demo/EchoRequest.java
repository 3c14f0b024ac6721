package org.microsim.services.demo;

import org.microsim.abi.ErrorCode;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Protocol;
import org.microsim.abi.ProtocolException;
import org.microsim.abi.Request;
import org.microsim.abi.SysError;

/**
 * The echo protocol, the smallest there is: any message is a request (kept whole: an echo copies no more
 * than it must) (msg id {@link Echo#ECHO} is the
 * documented one), answered with its own bytes. Handles make a request malformed. Failures carry
 * {@link ErrorCode}s.
 */
record EchoRequest(Message message) implements Request<byte[], EchoRequest.Failed> {
    static final Protocol<EchoRequest, Failed> PROTOCOL = Protocol.of("echo", EchoRequest::decode, Failed::of,
            Failed::new, ErrorCode.INVALID_ARGUMENT.code(), ErrorCode.UNAVAILABLE.code());

    /** An echo of {@code bytes} with the documented msg id. */
    static EchoRequest of(byte[] bytes) {
        return new EchoRequest(Message.of(Echo.ECHO, bytes));
    }

    @Override
    public Message toMessage() {
        return message;
    }

    @Override
    public byte[] decodeReply(Message reply) throws MalformedException {
        if (!reply.handles().isEmpty()) {
            throw new MalformedException("an echo carries no handles");
        }
        return reply.data();
    }

    @Override
    public Protocol<?, Failed> protocol() {
        return PROTOCOL;
    }

    static EchoRequest decode(Message message) throws MalformedException {
        if (!message.handles().isEmpty()) {
            throw new MalformedException("an echo request carries no handles");
        }
        return new EchoRequest(message);
    }

    /** A failed echo: its {@link ErrorCode}. */
    static final class Failed extends ProtocolException {
        private final int code;

        Failed(String detail, SysError unreachable) {
            super(detail, unreachable);
            this.code = unreachable == null ? ErrorCode.UNAVAILABLE.code() : unreachable.code().code();
        }

        private Failed(int code, String detail) {
            super(detail);
            this.code = code;
        }

        static Failed of(int code, String detail) {
            return new Failed(code, detail);
        }

        @Override
        public int code() {
            return code;
        }
    }
}
