package org.microsim.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.PortInfo;
import org.microsim.abi.Result;
import org.microsim.abi.SysError;
import org.microsim.abi.TaskId;

/**
 * The ports, by name: registration, generations, port ids, and closing.
 *
 * <h2>Generations</h2>
 * A name's generation counts how many times a port of that name has been registered. A handle names one port
 * object, so when its port closes and a new one takes the name, the old handle answers PEER_DIED with the
 * generation now behind the name ({@link #currentGeneration}): a stale handle never reaches a new incarnation,
 * and its holder learns to look the name up again.
 *
 * <pre>
 *   register ──▶ name free? ── Port(id, generation + 1) ──▶ trace, PortRegistered, lookup waiters woken
 *   close ─────▶ off the table ── queued calls fail (PEER_DIED) ── IRQ bindings dropped ──▶ trace, PortRemoved
 * </pre>
 *
 * All of it runs with the kernel lock held; a port's {@code closed} flag is also read without it (volatile).
 */
final class PortTable {
    private final Kernel k;
    /** Live ports by name, in registration order. */
    private final Map<String, Port> byName = new LinkedHashMap<>();
    /** How many times each name has been registered: the generation of the next port of that name. */
    private final Map<String, Long> generations = new LinkedHashMap<>();
    private long nextId = 1;

    PortTable(Kernel kernel) {
        this.k = kernel;
    }

    /** Registers a task's port, or explains why not. */
    Result<Port> register(Task owner, PortInfo info, int capacity, boolean publicName) {
        if (byName.containsKey(info.name())) {
            return Result.err(ErrorCode.NAME_TAKEN, "a port named '" + info.name() + "' exists");
        }
        Port p = add(info, Port.Kind.TASK, owner, capacity, publicName, null);
        owner.ownedPorts().add(p);
        k.names.portAppeared(p);
        return Result.ok(p);
    }

    /** Registers one of the kernel's own ports: the kernel port, or a bus or device found at boot. */
    Port addKernelOwned(PortInfo info, Port.Kind kind, HardwareDevice device) {
        return add(info, kind, null, 0, false, device);
    }

    private Port add(PortInfo info, Port.Kind kind, Task owner, int capacity, boolean publicName,
                     HardwareDevice device) {
        long generation = generations.merge(info.name(), 1L, Long::sum);
        Port p = new Port(nextId++, info, kind, owner, generation, capacity, publicName, device);
        byName.put(info.name(), p);
        k.record(owner, TraceEvent.Kind.PORT_REGISTERED, info.name() + " gen " + generation + " " + info.portClass(),
                0);
        k.notifications.portRegistered(p);
        return p;
    }

    /**
     * Closes a port: queued calls fail with PEER_DIED, its interrupts stop, subscribers hear of it, and whether
     * its owner removed it ({@code unregistered}) or it went with its owner.
     */
    void close(Port p, boolean unregistered) {
        if (p.closed) {
            return;
        }
        p.closed = true;
        byName.remove(p.name(), p);
        if (p.owner != null && p.owner.ownedPorts != null) {
            p.owner.ownedPorts.remove(p);
        }
        k.calls.portClosed(p);
        k.devices.portClosed(p);
        k.record(p.owner, TraceEvent.Kind.PORT_REMOVED, p.name() + " gen " + p.generation, 0);
        k.notifications.portRemoved(p, unregistered);
    }

    /** The error for using a handle whose port is gone: names the generation that replaced it, if any. */
    SysError gone(Port p) {
        long now = currentGeneration(p.name());
        return new SysError(ErrorCode.PEER_DIED, "port " + p.name() + " generation " + p.generation + " is gone"
                + (now > 0 ? "; look it up again" : ""), now);
    }

    /** The live port with this name, or null. */
    Port get(String name) {
        return byName.get(name);
    }

    /** The generation of the live port now behind {@code name}, or -1. */
    long currentGeneration(String name) {
        Port p = byName.get(name);
        return p == null ? -1 : p.generation;
    }

    /** Every live port, in registration order: a copy, safe to walk while ports come and go. */
    List<Port> live() {
        return List.copyOf(byName.values());
    }

    /** Every live port as {@code ports} shows it, in registration order. */
    List<PortSnapshot> snapshot() {
        List<PortSnapshot> out = new ArrayList<>();
        for (Port p : byName.values()) {
            out.add(new PortSnapshot(p.id, p.info, p.owner == null ? TaskId.KERNEL : p.owner.id, p.ownerName(),
                    p.generation, p.queue.size(), p.capacity, p.kind.name().toLowerCase(Locale.ROOT)));
        }
        return out;
    }
}
