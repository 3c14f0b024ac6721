package org.microsim.kernel;

import org.microsim.abi.PortInfo;
import org.microsim.abi.TaskId;

/** A port as {@code ports} shows it. {@code kind} is task, kernel or device. */
public record PortSnapshot(long id, PortInfo info, TaskId owner, String ownerName, long generation, int queued,
                           int capacity, String kind) {
}
