package org.microsim.abi;

import java.time.Duration;

/**
 * The one typed client: a call with a protocol's {@link Request}, answered with the request's reply type or
 * the protocol's exception, whatever went wrong:
 *
 * <pre>
 *  call(request) ─▶ Sys.call ─┬─ Err(SysError)              ─▶ protocol.unreachable(...)   (peerGone() tells)
 *                             └─ Ok(reply) ─┬─ REPLY_ERROR   ─▶ protocol.failure(code, detail)
 *                                           ├─ REPLY_OK      ─▶ request.decodeReply(reply)  ─▶ T
 *                                           └─ anything else ─▶ protocol.unreachable(...)   (malformed)
 * </pre>
 *
 * A client is bound either to a handle (a device, a port given at start) or to a name, as Hubris clients find
 * their servers: a named client looks the port up on first use and again after the server was found gone, so
 * a restarted server is reached by the next call. A failed call is retried only when it reached no server at
 * all: a named client's handle went stale while a new server took the name (the kernel says PEER_DIED with
 * the new generation), so the call goes once to the new one. Any other failure is the caller's: the server may
 * have acted on the call before it died, and only the caller knows whether doing it twice is harmless.
 *
 * <p>Use a client from its task's thread only, as {@link Sys} itself.
 */
public final class Client {
    private final Sys sys;
    private final String name;
    private final Duration lookupTimeout;
    private final Duration timeout;
    private Handle handle;

    private Client(Sys sys, Handle handle, String name, Duration lookupTimeout, Duration timeout) {
        this.sys = sys;
        this.handle = handle;
        this.name = name;
        this.lookupTimeout = lookupTimeout;
        this.timeout = timeout;
    }

    /** A client of the port behind {@code handle}; every call waits at most {@code timeout}. */
    public static Client of(Sys sys, Handle handle, Duration timeout) {
        return new Client(sys, handle, null, null, timeout);
    }

    /**
     * A client of the public port {@code name}, looked up (waiting at most {@code lookupTimeout}) on first use
     * and after the server was found gone; every call waits at most {@code timeout}.
     */
    public static Client named(Sys sys, String name, Duration lookupTimeout, Duration timeout) {
        return new Client(sys, null, name, lookupTimeout, timeout);
    }

    /** The handle calls go to now: null for a named client before its first call or after its server went. */
    public Handle handle() {
        return handle;
    }

    /** Calls with {@code request}; its reply, or the protocol's exception. */
    public <T, E extends ProtocolException> T call(Request<T, E> request) throws E {
        return call(request, null);
    }

    /** Calls with {@code request}, lending {@code lease} (null for none) for the length of the call. */
    public <T, E extends ProtocolException> T call(Request<T, E> request, Lease lease) throws E {
        return call(request, lease, timeout);
    }

    /**
     * The same, waiting at most {@code wait} instead of the client's timeout: for a request that asks the server
     * to wait itself (a receive with a timeout), which must not be cut short by the client's own.
     */
    public <T, E extends ProtocolException> T call(Request<T, E> request, Lease lease, Duration wait) throws E {
        try {
            return callOnce(request, lease, wait);
        } catch (ProtocolException e) {
            if (name == null || e.unreachable() == null || e.unreachable().newGeneration() <= 0) {
                throw e;
            }
            // The handle was stale and a new server has the name: nobody saw the call, so it goes to the new one.
            return callOnce(request, lease, wait);
        }
    }

    private <T, E extends ProtocolException> T callOnce(Request<T, E> request, Lease lease, Duration wait) throws E {
        Handle to = target(request.protocol());
        try {
            return call(sys, to, request, lease, wait);
        } catch (ProtocolException e) {
            if (name != null && e.peerGone() && to.equals(handle)) {
                sys.close(handle);
                handle = null;
            }
            throw e;
        }
    }

    private <E extends ProtocolException> Handle target(Protocol<?, E> protocol) throws E {
        if (handle == null) {
            switch (sys.lookup(name, lookupTimeout)) {
                case Result.Ok<Handle>(Handle found) -> handle = found;
                case Result.Err<Handle>(SysError e) -> throw protocol.unreachable("no " + name + ": " + e, e);
            }
        }
        return handle;
    }

    /**
     * One call to {@code to}, without a client object: the reply of {@code request}, or the protocol's
     * exception. Handles in a reply that does not decode are closed, so a confused server cannot fill the
     * caller's handle table.
     */
    public static <T, E extends ProtocolException> T call(Sys sys, Handle to, Request<T, E> request, Lease lease,
                                                          Duration timeout) throws E {
        Message message = request.toMessage();
        Result<Message> result = sys.call(to, lease == null ? message : message.withLease(lease), timeout);
        Protocol<?, E> protocol = request.protocol();
        Message reply = switch (result) {
            case Result.Ok<Message>(Message m) -> m;
            case Result.Err<Message>(SysError e) ->
                    throw protocol.unreachable(protocol.name() + " call failed: " + e, e);
        };
        try {
            return typed(request, reply);
        } catch (MalformedException e) {
            reply.handles().forEach(sys::close);
            throw protocol.unreachable("malformed " + protocol.name() + " reply: " + e.getMessage(), null);
        }
    }

    /**
     * The typed outcome of a reply that came some other way (the console's calls, which the harness makes
     * outside any task): the decoded payload, or the protocol's exception for an error reply.
     *
     * @throws MalformedException when the reply is neither a well-formed success nor a well-formed failure
     */
    public static <T, E extends ProtocolException> T typed(Request<T, E> request, Message reply)
            throws E, MalformedException {
        Replies.Failure failure = Replies.failure(reply);
        if (failure != null) {
            throw request.protocol().failure(failure.code(), failure.detail());
        }
        return request.decodeReply(reply);
    }
}
