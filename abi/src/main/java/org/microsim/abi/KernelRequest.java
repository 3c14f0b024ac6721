package org.microsim.abi;

import java.util.List;

/**
 * The kernel port's protocol: privileged requests (Hubris-style, privileged work is a message to the kernel).
 * Only tasks spawned with a handle to the kernel port (the service manager, devd, init) can make them, and
 * only as calls: the kernel answers every request inline, and a message sent without waiting for the answer is
 * refused, so no answer is ever dropped. Failures are {@link Replies#error} with an {@link ErrorCode} code.
 *
 * <pre>
 * id  request           inline bytes                                         handles           reply
 * 30  SPAWN             program str, task name str, restartOf u64 (-1: a     the start handles task id u64
 *                       new slot), args u16-length bytes
 * 31  KILL              task u64, crash u8 (1: counts as a crash), reason str none              empty
 * 32  SUBSCRIBE         kinds u32 ({@link #TASK_EVENTS} | {@link #PORT_EVENTS})   a port the caller owns   empty
 * 33  SET_RESOLVER      (none)                                               a port the caller owns   empty
 * 34  NAME_UNAVAILABLE  name str, reason str                                 none              empty
 * 35  FIND_TASK         task name str                                        none              found u8; then
 *                                                                                              task u64, program
 *                                                                                              str, alive u8
 * </pre>
 *
 * FIND_TASK tells who runs (or last ran) under a task name: the live task of that name, else the latest
 * incarnation of the highest slot that had it. A supervisor that was itself restarted uses it to find the
 * tasks it had started, which went on running (or died) while it was down.
 *
 * A port subscriber is first told of every port that exists; the resolver gets
 * {@link MsgIds#NOTIFY_NAME_WANTED} for names nobody has yet; NAME_UNAVAILABLE fails the tasks waiting in
 * {@code lookup(name)} with UNAVAILABLE and the reason. What the kernel posts to subscribers is
 * {@link KernelNotice}.
 *
 * @param <T> what the OK reply carries
 */
public sealed interface KernelRequest<T> extends Request<T, CallException> {
    /** The kernel port's name. */
    String PORT_NAME = "kernel";

    int SPAWN = 30;
    int KILL = 31;
    int SUBSCRIBE = 32;
    int SET_RESOLVER = 33;
    int NAME_UNAVAILABLE = 34;
    int FIND_TASK = 35;

    /** SUBSCRIBE kinds. */
    int TASK_EVENTS = 1;
    int PORT_EVENTS = 2;

    /** The protocol. A request that does not decode is answered INVALID_ARGUMENT, an unknown one UNKNOWN_REQUEST. */
    Protocol<KernelRequest<?>, CallException> PROTOCOL = Protocol.of("kernel", KernelRequest::decode,
            CallException::of, CallException::new, ErrorCode.INVALID_ARGUMENT.code(), ErrorCode.UNAVAILABLE.code());

    @Override
    default Protocol<?, CallException> protocol() {
        return PROTOCOL;
    }

    /** Starts {@code program} as a task with these start handles; {@code restartOf} names the task it replaces. */
    record Spawn(String program, String taskName, TaskId restartOf, byte[] args, List<Handle> handles)
            implements KernelRequest<TaskId> {
        public Spawn {
            args = args == null ? new byte[0] : args.clone();
            handles = List.copyOf(handles);
        }

        /** A spawn without start handles. */
        public Spawn(String program, String taskName, TaskId restartOf, byte[] args) {
            this(program, taskName, restartOf, args, List.of());
        }

        @Override
        public byte[] args() {
            return args.clone();
        }

        @Override
        public Message toMessage() {
            byte[] bytes = new WireWriter().string(program).string(taskName)
                    .i64(restartOf == null ? -1 : restartOf.pack()).u16(args.length).bytes(args).toByteArray();
            return new Message(SPAWN, bytes, handles, null);
        }

        @Override
        public TaskId decodeReply(Message reply) throws MalformedException {
            WireReader r = reply.reader();
            TaskId id = TaskId.unpack(r.i64("task id"));
            r.end("spawn reply");
            return id;
        }
    }

    /** Ends a task; {@code crash} makes it count as a crash (its supervisor restarts it). */
    record Kill(TaskId task, boolean crash, String reason) implements KernelRequest<Void>, EmptyReply<CallException> {
        @Override
        public Message toMessage() {
            return Message.of(KILL, new WireWriter().i64(task.pack()).u8(crash ? 1 : 0).string(reason).toByteArray());
        }
    }

    /** Subscribes {@code port} (the caller's own) to the kernel's task and/or port events. */
    record Subscribe(int kinds, Handle port) implements KernelRequest<Void>, EmptyReply<CallException> {
        @Override
        public Message toMessage() {
            return Message.of(SUBSCRIBE, new WireWriter().i32(kinds).toByteArray(), port);
        }
    }

    /** Makes {@code port} (the caller's own) the one that hears of names nobody has yet. */
    record SetResolver(Handle port) implements KernelRequest<Void>, EmptyReply<CallException> {
        @Override
        public Message toMessage() {
            return Message.of(SET_RESOLVER, new byte[0], port);
        }
    }

    /** Tells the tasks waiting for {@code name} that its owner cannot be started, and why. */
    record NameUnavailable(String name, String reason) implements KernelRequest<Void>, EmptyReply<CallException> {
        @Override
        public Message toMessage() {
            return Message.of(NAME_UNAVAILABLE, new WireWriter().string(name).string(reason).toByteArray());
        }
    }

    /** Who runs, or last ran, under the task name {@code name}; the reply is null when nobody ever did. */
    record FindTask(String name) implements KernelRequest<FoundTask> {
        @Override
        public Message toMessage() {
            return Message.of(FIND_TASK, new WireWriter().string(name).toByteArray());
        }

        @Override
        public FoundTask decodeReply(Message reply) throws MalformedException {
            WireReader r = reply.reader();
            int found = r.u8("found");
            FoundTask task = switch (found) {
                case 0 -> null;
                case 1 -> new FoundTask(TaskId.unpack(r.i64("task")), r.string("program"), r.u8("alive") == 1);
                default -> throw new MalformedException("found flag must be 0 or 1, got " + found);
            };
            r.end("find task reply");
            return task;
        }
    }

    /** FIND_TASK's answer: the task, the program it runs, and whether it is alive. */
    record FoundTask(TaskId task, String program, boolean alive) {
        /** The OK reply; {@code found} null for nobody. */
        public static Message toMessage(FoundTask found) {
            WireWriter w = new WireWriter().u8(found == null ? 0 : 1);
            if (found != null) {
                w.i64(found.task().pack()).string(found.program()).u8(found.alive() ? 1 : 0);
            }
            return Replies.ok(w.toByteArray());
        }
    }

    /** True for the msg ids of this protocol. */
    static boolean isKernelRequest(int msgId) {
        return msgId >= SPAWN && msgId <= FIND_TASK;
    }

    /**
     * Decodes a request.
     *
     * @throws MalformedException for an unknown msg id, bytes that do not fit, or a handle count the request
     *                            does not take (SUBSCRIBE and SET_RESOLVER take one, KILL and NAME_UNAVAILABLE none)
     */
    static KernelRequest<?> decode(Message message) throws MalformedException {
        WireReader r = message.reader();
        List<Handle> handles = message.handles();
        KernelRequest<?> request = switch (message.msgId()) {
            case SPAWN -> {
                String program = r.string("program");
                String name = r.string("task name");
                long restart = r.i64("restartOf");
                byte[] args = r.bytes(r.u16("args length"), "args");
                yield new Spawn(program, name, restart == -1 ? null : TaskId.unpack(restart), args, handles);
            }
            case KILL -> {
                TaskId task = TaskId.unpack(r.i64("task"));
                int crash = r.u8("crash");
                if (crash > 1) {
                    throw new MalformedException("crash flag must be 0 or 1");
                }
                yield new Kill(task, crash == 1, r.string("reason"));
            }
            case SUBSCRIBE -> new Subscribe(r.i32("kinds"), one(handles, "subscribe"));
            case SET_RESOLVER -> new SetResolver(one(handles, "resolver request"));
            case NAME_UNAVAILABLE -> new NameUnavailable(r.string("name"), r.string("reason"));
            case FIND_TASK -> new FindTask(r.string("task name"));
            default -> throw new MalformedException("the kernel port has no request " + message.msgId());
        };
        r.end("kernel request " + message.msgId());
        if (!(request instanceof Spawn) && !(request instanceof Subscribe) && !(request instanceof SetResolver)
                && !handles.isEmpty()) {
            throw new MalformedException("kernel request " + message.msgId() + " carries no handles, not "
                    + handles.size());
        }
        return request;
    }

    private static Handle one(List<Handle> handles, String what) throws MalformedException {
        if (handles.size() != 1) {
            throw new MalformedException(what + " needs exactly one handle: a port the caller owns");
        }
        return handles.getFirst();
    }
}
