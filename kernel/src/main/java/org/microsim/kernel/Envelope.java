package org.microsim.kernel;

import java.util.List;
import org.microsim.abi.Message;
import org.microsim.abi.TaskId;

/**
 * A message in a port's queue: what was sent, with the sender stamped by the kernel and the transferred
 * handles captured as (port, rights) so they survive the sender closing its own copies. The Message itself is
 * immutable (its bytes are copied in and out), so the queue keeps the sender's object and a receiver can be
 * given that very object when there are no handles to renumber: no copy of the bytes on the way.
 *
 * @param seq     global order of sending: receive from several ports takes the oldest first
 * @param message as sent; its handles are the sender's numbers, {@code handles} are what they stand for
 * @param call    the call waiting for the answer, or null for a plain send
 * @param counted whether it counts against the port's capacity (kernel notifications do not)
 * @param irq     the binding an interrupt message came from, or null
 */
record Envelope(long seq, TaskId sender, Message message, List<HandleTable.Entry> handles, CallRecord call,
                boolean counted, IrqBinding irq) {
}
