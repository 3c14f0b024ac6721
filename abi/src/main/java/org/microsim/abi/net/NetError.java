package org.microsim.abi.net;

import org.microsim.abi.MalformedException;
import org.microsim.abi.WireCode;

/** Why a request to the network service failed. The wire codes are its protocol's error codes. */
public enum NetError implements WireCode {
    /** A malformed or unknown request, or a field out of range. */
    INVALID_REQUEST(1),
    /** No interface of that name. */
    NO_SUCH_INTERFACE(2),
    /** No route to the address, or its neighbour never answered ARP. */
    UNREACHABLE(3),
    /** The UDP port is bound already. */
    ADDRESS_IN_USE(4),
    /** No such socket, or not the caller's. */
    NO_SUCH_SOCKET(5),
    /** Nothing came in time. */
    TIMED_OUT(6),
    /** A datagram longer than UDP carries. */
    MESSAGE_TOO_LONG(7),
    /** The interface has no address yet (DHCP has not finished, or it is off). */
    NOT_CONFIGURED(8),
    /** The service failed, or its driver did. */
    IO_ERROR(9),
    /** The lease is missing, too short, or lacks the right the request needs. */
    LEASE_TOO_SMALL(10),
    /** Too many sockets or pings at once, or the interface's queue is full now. */
    BUSY(11),
    /** The peer answered the connection attempt with a reset: nothing listens there. */
    CONNECTION_REFUSED(12),
    /** The peer reset the connection. */
    CONNECTION_RESET(13),
    /** Not ready now, and the call said not to wait. */
    WOULD_BLOCK(14),
    /** The socket is not connected (any more), or its direction was shut down. */
    NOT_CONNECTED(15);

    private final int code;

    NetError(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The error for a wire code. */
    public static NetError fromCode(int code) throws MalformedException {
        return WireCode.fromCode(NetError.class, code, "network error");
    }
}
