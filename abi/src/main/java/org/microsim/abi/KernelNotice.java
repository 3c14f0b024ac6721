package org.microsim.abi;

/**
 * What the kernel posts, unasked, to the ports subscribed with {@link KernelRequest.Subscribe} (and to the
 * resolver): a task ended, a port appeared or went, a name nobody has was looked up. The sender of each is
 * {@link TaskId#KERNEL}, which no task can fake, so a receiver believes them only from there; the
 * {@link Server} runtime decodes them and hands them to its handler as {@link Notice.Kernel}.
 *
 * <pre>
 * id  notice                 inline bytes                                              handles
 * 10  NOTIFY_TASK_EXITED     task u64, name str, cause str (empty for a clean exit)     none
 * 11  NOTIFY_TASK_CRASHED    task u64, name str, cause str                              none
 * 12  NOTIFY_PORT_REGISTERED port id u64, generation u64, owner u64, PortInfo (114)    a send+grant handle to it
 * 13  NOTIFY_PORT_REMOVED    port id u64, generation u64, owner u64, PortInfo (114),   none
 *                            unregistered u8 (1: its owner removed it, 0: it went with its owner)
 * 14  NOTIFY_NAME_WANTED     name str, requester u64                                   none
 * </pre>
 */
public sealed interface KernelNotice {
    /** The notice as the kernel posts it (a PortRegistered's handle travels beside it). */
    Message toMessage();

    /** A task ended: exited or was killed ({@code crashed} false), or crashed. */
    record TaskEnded(TaskId task, String name, String cause, boolean crashed) implements KernelNotice {
        @Override
        public Message toMessage() {
            return Message.of(crashed ? MsgIds.NOTIFY_TASK_CRASHED : MsgIds.NOTIFY_TASK_EXITED,
                    new WireWriter().i64(task.pack()).string(name).string(cause).toByteArray());
        }
    }

    /** Which port an event is about: its id, generation, owner ({@link TaskId#KERNEL} for a device) and info. */
    record PortEvent(long portId, long generation, TaskId owner, PortInfo info) {
        void write(WireWriter w) {
            w.i64(portId).i64(generation).i64(owner.pack()).bytes(info.encode());
        }

        static PortEvent read(WireReader r) throws MalformedException {
            return new PortEvent(r.i64("port id"), r.i64("generation"), TaskId.unpack(r.i64("owner")), PortInfo.read(r));
        }
    }

    /** A port was registered; {@code handle} (send and grant) reaches it, null in the kernel's own copy. */
    record PortRegistered(PortEvent port, Handle handle) implements KernelNotice {
        @Override
        public Message toMessage() {
            WireWriter w = new WireWriter();
            port.write(w);
            return handle == null ? Message.of(MsgIds.NOTIFY_PORT_REGISTERED, w.toByteArray())
                    : Message.of(MsgIds.NOTIFY_PORT_REGISTERED, w.toByteArray(), handle);
        }
    }

    /**
     * A port was removed: {@code unregistered} when its owner removed it while it ran (a bus driver whose device
     * was unplugged), not when it went with its owner (a driver that ended or crashed, to come back).
     */
    record PortRemoved(PortEvent port, boolean unregistered) implements KernelNotice {
        @Override
        public Message toMessage() {
            WireWriter w = new WireWriter();
            port.write(w);
            w.u8(unregistered ? 1 : 0);
            return Message.of(MsgIds.NOTIFY_PORT_REMOVED, w.toByteArray());
        }
    }

    /** Someone looked up a name no port has (sent to the resolver only). */
    record NameWanted(String name, TaskId requester) implements KernelNotice {
        @Override
        public Message toMessage() {
            return Message.of(MsgIds.NOTIFY_NAME_WANTED, new WireWriter().string(name).i64(requester.pack()).toByteArray());
        }
    }

    /**
     * Decodes a notice.
     *
     * @throws MalformedException for another msg id, bytes that do not fit, or handles other than a
     *                            PortRegistered's one
     */
    static KernelNotice decode(Message message) throws MalformedException {
        WireReader r = message.reader();
        int handles = message.handles().size();
        KernelNotice notice = switch (message.msgId()) {
            case MsgIds.NOTIFY_TASK_EXITED, MsgIds.NOTIFY_TASK_CRASHED -> new TaskEnded(TaskId.unpack(r.i64("task")),
                    r.string("name"), r.string("cause"), message.msgId() == MsgIds.NOTIFY_TASK_CRASHED);
            case MsgIds.NOTIFY_PORT_REGISTERED -> {
                if (handles > 1) {
                    throw new MalformedException("a port notice carries at most one handle, not " + handles);
                }
                yield new PortRegistered(PortEvent.read(r), handles == 1 ? message.handles().getFirst() : null);
            }
            case MsgIds.NOTIFY_PORT_REMOVED -> new PortRemoved(PortEvent.read(r), r.u8("unregistered") == 1);
            case MsgIds.NOTIFY_NAME_WANTED -> new NameWanted(r.string("name"), TaskId.unpack(r.i64("requester")));
            default -> throw new MalformedException("msg id " + message.msgId() + " is not a kernel notice");
        };
        r.end("kernel notice " + message.msgId());
        if (!(notice instanceof PortRegistered) && handles > 0) {
            throw new MalformedException("kernel notice " + message.msgId() + " carries no handles, not " + handles);
        }
        return notice;
    }
}
