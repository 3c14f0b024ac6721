package org.microsim.kernel;

import java.util.List;
import org.microsim.abi.TaskId;

/**
 * A message in a port's queue: what was sent, with the sender stamped by the kernel and the transferred
 * handles captured as (port, rights) so they survive the sender closing its own copies.
 *
 * @param seq     global order of sending: receive from several ports takes the oldest first
 * @param call    the call waiting for the answer, or null for a plain send
 * @param counted whether it counts against the port's capacity (kernel notifications do not)
 * @param irq     the binding an interrupt message came from, or null
 */
record Envelope(long seq, TaskId sender, int msgId, byte[] data, List<HandleTable.Entry> handles, CallRecord call,
                boolean counted, IrqBinding irq) {
}
