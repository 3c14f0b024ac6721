package org.microsim.abi;

/** What a task may learn about one of its handles. */
public record HandleInfo(String portName, long portId, long generation, Rights rights, PortInfo info, boolean alive) {
}
