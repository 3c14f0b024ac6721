package org.microsim.abi;

/**
 * Why a system call failed. These travel as values to the caller, never as exceptions: a failing call is a
 * normal event in a system where peers crash and restart. The wire code is stable.
 */
public enum ErrorCode implements WireCode {
    /** The deadline passed before the call could complete. */
    TIMED_OUT(1),
    /** The task behind the port died; {@link SysError#newGeneration()} tells the generation now there, if any. */
    PEER_DIED(2),
    /** No port by that name, or the handle's port is gone and nothing replaced it. */
    NO_SUCH_PORT(3),
    /** The handle lacks the right the operation needs. */
    NO_RIGHT(4),
    /** The port's queue is full. Nothing was delivered. */
    QUEUE_FULL(5),
    /** Inline bytes or handle count over the limit. */
    TOO_LARGE(6),
    /** A handle number not in the caller's table (or already closed). */
    BAD_HANDLE(7),
    /** An argument is out of its domain: a negative timeout, a bad PortInfo, a lease outside its window. */
    INVALID_ARGUMENT(8),
    /** A port with that name is already registered. */
    NAME_TAKEN(9),
    /** The caller is not allowed to do this (a privileged request without the kernel handle). */
    DENIED(10),
    /** The reply right was used already, or the caller stopped waiting (timed out or died). */
    NO_CALLER(11),
    /** A resource exists but could not be provided now (start on first open failed, out of DMA memory). */
    UNAVAILABLE(12),
    /** The request is well-formed but the receiver does not know it. */
    UNKNOWN_REQUEST(13);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    public static ErrorCode fromCode(int code) throws MalformedException {
        return WireCode.fromCode(ErrorCode.class, code, "error code");
    }
}
