package org.microsim.services.svcman;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.Lease;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.TaskId;
import org.microsim.abi.WireWriter;
import org.microsim.testkit.task.ScriptedSys;

/**
 * The kernel's port as the service manager and devd call it, on a {@link ScriptedSys}: SPAWN answers with fresh
 * task ids (the next generation for a restart), FIND_TASK from {@link #existing}, everything else with OK; every
 * request is written down in {@link #log}.
 */
public final class ScriptedKernel implements ScriptedSys.Peer {
    /** The tests' init: the task allowed to control the service manager. */
    public static final TaskId INIT = new TaskId(9, 0);

    private final ScriptedSys sys;
    private final List<String> log = new ArrayList<>();
    private final Map<String, KernelRequest.FoundTask> existing = new HashMap<>();
    private int nextTask = 2;

    private ScriptedKernel(ScriptedSys sys) {
        this.sys = sys;
    }

    /** A scripted world for {@code program} whose start handle 0 is a scripted kernel. */
    public static ScriptedKernel world(String program) {
        ScriptedKernel kernel = new ScriptedKernel(new ScriptedSys(program,
                program.equals("svcman") ? ServiceManagerProgram.args(INIT.index()) : new byte[0]));
        kernel.sys.give(null, kernel);
        return kernel;
    }

    /** The task's system calls. */
    public ScriptedSys sys() {
        return sys;
    }

    /** What the task asked of the kernel, in order. */
    public List<String> log() {
        return log;
    }

    /** The tasks FIND_TASK finds, by task name: those a previous service manager left. */
    public Map<String, KernelRequest.FoundTask> existing() {
        return existing;
    }

    @Override
    public Message call(Message message, Lease.Buffer lease) {
        KernelRequest<?> request;
        try {
            request = KernelRequest.decode(message);
        } catch (MalformedException e) {
            throw new AssertionError(e);
        }
        switch (request) {
            case KernelRequest.Spawn s -> {
                TaskId id = s.restartOf() == null ? new TaskId(nextTask++, 0) : s.restartOf().next();
                log.add("spawn " + s.taskName() + " " + id + " at " + sys.now() / 1_000_000 + "ms"
                        + (message.handles().isEmpty() ? "" : " with " + message.handles()));
                return Replies.ok(new WireWriter().i64(id.pack()).toByteArray());
            }
            case KernelRequest.Kill k -> log.add("kill " + k.task());
            case KernelRequest.FindTask f -> {
                log.add("find " + f.name());
                return KernelRequest.FoundTask.toMessage(existing.get(f.name()));
            }
            case KernelRequest.NameUnavailable u -> log.add("unavailable " + u.name() + ": " + u.reason());
            default -> log.add("request " + message.msgId());
        }
        return Replies.ok();
    }
}
