package org.microsim.kernel;

import org.microsim.abi.ErrorCode;
import org.microsim.abi.PortInfo;
import org.microsim.abi.SysError;

/**
 * A kernel object messages are sent to: a PortInfo, an owner, a bounded queue and a generation (how many
 * times a port of this name has been registered). A port lives until its owner unregisters it or dies;
 * after that, handles to it are stale and every use answers PEER_DIED with the generation now behind the
 * name, so an old handle never reaches a new incarnation.
 */
final class Port {
    enum Kind {
        /** Owned and served by a task. */
        TASK,
        /** The kernel's own port: privileged requests, answered inline. */
        KERNEL,
        /** A device found on the bus: carries resources, accepts no messages. */
        DEVICE
    }

    final long id;
    final PortInfo info;
    final Kind kind;
    /** Null for kernel and device ports. */
    final Task owner;
    final long generation;
    final int capacity;
    final boolean publicName;
    /** The hardware behind a device port; null otherwise. */
    final HardwareDevice device;
    /** What was sent and not yet received. Once the port is closed nothing takes from it; its calls failed. */
    final PortQueue queue;
    /** Volatile: senders and the owner's receive check it without the kernel lock. */
    volatile boolean closed;
    /** What ps shows for a task blocked on this port, made on first use: a server blocks on it again and again. */
    private String receiveLabel;
    private String callLabel;
    /** QUEUE_FULL for this port, made on first use: a sender may retry a full queue many times in a row. */
    private SysError fullError;

    Port(long id, PortInfo info, Kind kind, Task owner, long generation, int capacity, boolean publicName,
         HardwareDevice device) {
        this.id = id;
        this.info = info;
        this.kind = kind;
        this.owner = owner;
        this.generation = generation;
        this.capacity = capacity;
        this.queue = new PortQueue(capacity);
        this.publicName = publicName;
        this.device = device;
    }

    String name() {
        return info.name();
    }

    String receiveLabel() {
        if (receiveLabel == null) {
            receiveLabel = "receive " + name();
        }
        return receiveLabel;
    }

    String callLabel() {
        if (callLabel == null) {
            callLabel = "call " + name();
        }
        return callLabel;
    }

    SysError fullError() {
        if (fullError == null) {
            fullError = SysError.of(ErrorCode.QUEUE_FULL, "port " + name() + " has " + capacity + " messages queued");
        }
        return fullError;
    }

    String ownerName() {
        return owner == null ? "kernel" : owner.name;
    }

    @Override
    public String toString() {
        return info.name() + "#" + generation;
    }

    /**
     * The index of the port whose oldest message was sent first, or -1 when all are empty. Plain messages
     * arrive without the lock, so one look at the ports in turn is no snapshot: a message sent before the one
     * found, to a port looked at earlier, may have arrived meanwhile. Looking again until the answer holds
     * still settles it, as everything sent before what was found is in view by the second look.
     */
    static int oldest(Port[] ports) {
        if (ports.length == 1) {
            return ports[0].queue.peek() == null ? -1 : 0;
        }
        Envelope found = null;
        while (true) {
            int best = -1;
            Envelope oldest = null;
            for (int i = 0; i < ports.length; i++) {
                Envelope head = ports[i].queue.peek();
                if (head != null && (oldest == null || head.seq() < oldest.seq())) {
                    best = i;
                    oldest = head;
                }
            }
            if (oldest == found) {
                return best;
            }
            found = oldest;
        }
    }
}
