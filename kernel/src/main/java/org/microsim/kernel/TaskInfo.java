package org.microsim.kernel;

import org.microsim.abi.TaskId;

/** A task as {@code ps} shows it: what it waits for while alive, how it ended once dead. */
public record TaskInfo(TaskId id, String name, String program, TaskState state, String detail) {
}
