package org.microsim.abi;

/**
 * A server's own part: what it does with each request of its protocol, and with everything else that
 * arrives. The loop around it is {@link Server}'s, the same for every server, so a driver is literally a
 * handler and a protocol:
 *
 * <pre>{@code
 * final class EchoHandler implements Handler<EchoRequest> {
 *     public Protocol<EchoRequest, ?> protocol() { return EchoRequest.PROTOCOL; }
 *     public Message handle(EchoRequest request, Received call) { return Replies.ok(request.bytes()); }
 * }
 * Server.serve(sys, new EchoHandler(), port);
 * }</pre>
 *
 * @param <R> the protocol's sealed request type
 */
public interface Handler<R> {
    /**
     * The reply that means "no reply now": the handler keeps the call's reply right and answers it itself,
     * later (a driver waiting for its hardware) or already (a server that answers before it does more work).
     */
    Message NO_REPLY = Message.of(Integer.MIN_VALUE);

    /** The protocol whose requests this handler serves. */
    Protocol<R, ?> protocol();

    /**
     * Serves one decoded request. A {@link ProtocolException} is answered with its code and sentence; any other
     * exception is answered with the protocol's internal-error code, and the server goes on.
     *
     * @param call the received call: sender, port, lease, reply right (for leases and forwarding)
     * @return the reply, or {@link #NO_REPLY}
     */
    Message handle(R request, Received call) throws ProtocolException;

    /**
     * Takes what is not a call. Return true when the handler took it: the handles it carried are then the
     * handler's to keep or close. Otherwise the runtime closes them (and logs a task's message it ignored).
     */
    default boolean notice(Notice notice) {
        return false;
    }

    /**
     * The virtual time (ns, as {@link Sys#now}) at which the handler wants a {@link Notice.Deadline}, or
     * {@link Long#MAX_VALUE} for none. Asked before each wait; once the time is reached the handler must move it
     * on or clear it, as the deadline notice comes again on every turn while it lies in the past.
     */
    default long wakeAt() {
        return Long.MAX_VALUE;
    }

    /**
     * Whether the server has done its work: asked after each turn, and once true the runtime sends the last reply
     * and {@link Server#serve} returns, so the task can end. Most servers serve for as long as the task lives;
     * a one-shot server (one client, one stream) finishes.
     */
    default boolean finished() {
        return false;
    }
}
