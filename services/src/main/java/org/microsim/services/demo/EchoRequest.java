package org.microsim.services.demo;

import org.microsim.abi.CallException;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Protocol;
import org.microsim.abi.Request;

/**
 * The echo protocol, the smallest there is: any message is a request ({@link Echo#ECHO} is the documented msg
 * id), kept whole, so that an echo copies no more than it must, and answered with its own bytes. Handles make
 * a request malformed. Failures carry the system's {@link ErrorCode}s ({@link CallException}).
 */
record EchoRequest(Message message) implements Request<byte[], CallException> {
    static final Protocol<EchoRequest, CallException> PROTOCOL = Protocol.of("echo", EchoRequest::decode,
            CallException::of, CallException::new, ErrorCode.INVALID_ARGUMENT.code(), ErrorCode.UNAVAILABLE.code());

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
    public Protocol<?, CallException> protocol() {
        return PROTOCOL;
    }

    static EchoRequest decode(Message message) throws MalformedException {
        if (!message.handles().isEmpty()) {
            throw new MalformedException("an echo request carries no handles");
        }
        return new EchoRequest(message);
    }
}
