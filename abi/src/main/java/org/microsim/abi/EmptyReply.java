package org.microsim.abi;

/**
 * A request answered with nothing but OK: its reply carries no bytes and no handles, and anything else is
 * malformed. Request records of any protocol implement it beside their protocol's type.
 *
 * @param <E> the protocol's exception
 */
public interface EmptyReply<E extends ProtocolException> extends Request<Void, E> {
    @Override
    default Void decodeReply(Message reply) throws MalformedException {
        return Replies.empty(reply);
    }
}
