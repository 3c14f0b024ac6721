package org.microsim.drivers.ethd;

import java.util.ArrayDeque;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.abi.net.EthEvent;
import org.microsim.abi.net.EthRequest;

/**
 * One client of one port: its bounded queue of received frames and the port its events go to. A full queue
 * drops the newest frame and counts it: the driver never waits for a client.
 */
final class Subscriber {
    final TaskId task;
    final Handle events;
    final int token;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    /** Frames lost since the client's last RECEIVE, and in all. */
    private long dropped;
    private long droppedTotal;
    /** An event about frames was sent and the client has not drained its queue since. */
    private boolean notified;

    Subscriber(TaskId task, Handle events, int token) {
        this.task = task;
        this.events = events;
        this.token = token;
    }

    /**
     * Queues a frame, telling the client when its queue was empty. A client that drops sees another event now and
     * then (at the 1st, 2nd, 4th, 8th... drop), so one that lost the first event is woken, and one that is gone is
     * found out.
     *
     * @return false when the client is gone for good (its event port is closed): forget it
     */
    boolean offer(Sys sys, byte[] frame) {
        if (queue.size() >= EthRequest.CLIENT_QUEUE) {
            dropped++;
            droppedTotal++;
            return (droppedTotal & droppedTotal - 1) != 0 || tell(sys, true, false, false);
        }
        queue.add(frame);
        return notified || tell(sys, true, false, false);
    }

    /**
     * Sends an event; false when the client's port is gone. A full port loses the event only: the next frame
     * tries again.
     */
    boolean tell(Sys sys, boolean frames, boolean link, boolean linkUp) {
        Result<Void> sent = sys.send(events, new EthEvent(token, frames, link, linkUp).toMessage());
        if (sent.isOk()) {
            notified |= frames;
            return true;
        }
        return sent.code() == ErrorCode.QUEUE_FULL;
    }

    ArrayDeque<byte[]> queue() {
        return queue;
    }

    /** The drops since the last call, which the RECEIVE reply reports; the queue is drained when it is empty. */
    long takeDropped() {
        long d = dropped;
        dropped = 0;
        notified = !queue.isEmpty();
        return d;
    }

    long droppedTotal() {
        return droppedTotal;
    }
}
