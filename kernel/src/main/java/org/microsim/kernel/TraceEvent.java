package org.microsim.kernel;

import org.microsim.abi.TaskId;

/**
 * One kernel event: when (virtual nanoseconds), which task, what kind, and a detail for people. {@code flow}
 * links the two ends of one message (send and receive, call and reply) so a trace viewer can draw an arrow;
 * 0 when the event is not part of a message's journey.
 */
public record TraceEvent(long time, TaskId task, String taskName, Kind kind, String detail, long flow) {
    public enum Kind {
        SPAWN, EXIT, CRASH, KILL,
        SEND, RECEIVE, CALL, REPLY, TIMEOUT,
        PORT_REGISTERED, PORT_REMOVED,
        IRQ, DEVICE, LOG,
        /** A fault injected (or cleared) by the harness: its kind and parameters. */
        FAULT
    }
}
