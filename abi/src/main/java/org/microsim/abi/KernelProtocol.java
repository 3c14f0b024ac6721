package org.microsim.abi;

/**
 * The kernel port's protocol: privileged requests (Hubris-style, privileged work is a message to the kernel)
 * and the notifications the kernel posts to subscribers. Only tasks spawned with a handle to the kernel port
 * (the service manager, devd, init) can send these. Failures are {@link Replies#error} with an
 * {@link ErrorCode} code.
 *
 * <pre>
 * SPAWN      program str, task name str, restartOf u64 (-1: new slot), args u16-len bytes; handles -> start handles
 *            reply: task id u64
 * KILL       task u64, crash u8 (1: count as a crash), reason str                      reply: empty
 * SUBSCRIBE  kinds u32 ({@link #TASK_EVENTS}, {@link #PORT_EVENTS}); handle 0 = a port the caller owns
 *            reply: empty; port subscribers are first told of every port that exists
 * RESOLVER   handle 0 = a port of the caller's that gets NOTIFY_NAME_WANTED for names nobody has yet
 * NAME_UNAVAILABLE  name str, reason str: tasks waiting in lookup(name) get UNAVAILABLE with the reason
 * </pre>
 */
public final class KernelProtocol {
    private KernelProtocol() {
    }

    /** The kernel port's name. */
    public static final String PORT_NAME = "kernel";

    public static final int SPAWN = 30;
    public static final int KILL = 31;
    public static final int SUBSCRIBE = 32;
    public static final int SET_RESOLVER = 33;
    public static final int NAME_UNAVAILABLE = 34;

    public static final int TASK_EVENTS = 1;
    public static final int PORT_EVENTS = 2;

    public record Spawn(String program, String taskName, TaskId restartOf, byte[] args) {
        public Spawn {
            args = args == null ? new byte[0] : args.clone();
        }

        @Override
        public byte[] args() {
            return args.clone();
        }

        public byte[] encode() {
            return new WireWriter().string(program).string(taskName)
                    .i64(restartOf == null ? -1 : restartOf.pack())
                    .u16(args.length).bytes(args).toByteArray();
        }

        public static Spawn decode(byte[] bytes) throws MalformedException {
            WireReader r = new WireReader(bytes);
            String program = r.string("program");
            String name = r.string("task name");
            long restart = r.i64("restartOf");
            byte[] args = r.bytes(r.u16("args length"), "args");
            r.end("spawn request");
            return new Spawn(program, name, restart == -1 ? null : TaskId.unpack(restart), args);
        }
    }

    public record Kill(TaskId task, boolean crash, String reason) {
        public byte[] encode() {
            return new WireWriter().i64(task.pack()).u8(crash ? 1 : 0).string(reason).toByteArray();
        }

        public static Kill decode(byte[] bytes) throws MalformedException {
            WireReader r = new WireReader(bytes);
            TaskId task = TaskId.unpack(r.i64("task"));
            int crash = r.u8("crash");
            if (crash > 1) {
                throw new MalformedException("crash flag must be 0 or 1");
            }
            String reason = r.string("reason");
            r.end("kill request");
            return new Kill(task, crash == 1, reason);
        }
    }

    /** NOTIFY_TASK_EXITED and NOTIFY_TASK_CRASHED: the task, its name, the cause (empty for a clean exit). */
    public record TaskEvent(TaskId task, String name, String cause) {
        public byte[] encode() {
            return new WireWriter().i64(task.pack()).string(name).string(cause).toByteArray();
        }

        public static TaskEvent decode(byte[] bytes) throws MalformedException {
            WireReader r = new WireReader(bytes);
            TaskEvent e = new TaskEvent(TaskId.unpack(r.i64("task")), r.string("name"), r.string("cause"));
            r.end("task event");
            return e;
        }
    }

    /**
     * NOTIFY_PORT_REGISTERED (with a send+grant handle to the port) and NOTIFY_PORT_REMOVED: the port id,
     * its generation, its owner and its PortInfo.
     */
    public record PortEvent(long portId, long generation, TaskId owner, PortInfo info) {
        public byte[] encode() {
            return new WireWriter().i64(portId).i64(generation).i64(owner.pack()).bytes(info.encode()).toByteArray();
        }

        public static PortEvent decode(byte[] bytes) throws MalformedException {
            WireReader r = new WireReader(bytes);
            PortEvent e = new PortEvent(r.i64("port id"), r.i64("generation"), TaskId.unpack(r.i64("owner")),
                    PortInfo.read(r));
            r.end("port event");
            return e;
        }
    }

    /** NOTIFY_NAME_WANTED: someone looked up a name no port has. */
    public record NameWanted(String name, TaskId requester) {
        public byte[] encode() {
            return new WireWriter().string(name).i64(requester.pack()).toByteArray();
        }

        public static NameWanted decode(byte[] bytes) throws MalformedException {
            WireReader r = new WireReader(bytes);
            NameWanted n = new NameWanted(r.string("name"), TaskId.unpack(r.i64("requester")));
            r.end("name wanted");
            return n;
        }
    }

    public record NameUnavailable(String name, String reason) {
        public byte[] encode() {
            return new WireWriter().string(name).string(reason).toByteArray();
        }

        public static NameUnavailable decode(byte[] bytes) throws MalformedException {
            WireReader r = new WireReader(bytes);
            NameUnavailable n = new NameUnavailable(r.string("name"), r.string("reason"));
            r.end("name unavailable");
            return n;
        }
    }
}
