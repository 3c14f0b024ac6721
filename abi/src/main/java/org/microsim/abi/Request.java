package org.microsim.abi;

/**
 * A request of some protocol, typed by what a successful call returns ({@code T}) and how it fails
 * ({@code E}). Every protocol's sealed request type extends this, so one {@link Client} serves them all:
 *
 * <pre>{@code
 * int fh = client.call(new FsRequest.Open(path, OpenFlags.READ)).fh();     // FsException on failure
 * BlockInfo info = client.call(new BlockRequest.GetInfo());                // BlockException on failure
 * }</pre>
 *
 * @param <T> the decoded payload of the OK reply ({@code Void} when it is empty)
 * @param <E> the protocol's exception
 */
public interface Request<T, E extends ProtocolException> {
    /** The request as a message, without a lease: a caller that lends one passes it to the client. */
    Message toMessage();

    /**
     * Decodes the payload (and handles) of this request's OK reply.
     *
     * @throws MalformedException when the reply is not what this request is answered with
     */
    T decodeReply(Message reply) throws MalformedException;

    /** The protocol this request belongs to: how its failures are typed. */
    Protocol<?, E> protocol();
}
