package org.microsim.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.microsim.abi.Program;
import org.microsim.abi.StartInfo;
import org.microsim.abi.TaskId;

/**
 * A task's kernel state: identity, handle table, owned ports, the calls it has received and not answered
 * (the one it took without the lock is in {@link TaskLayout.Own}, with the other fields it writes on every
 * call), and what it waits for. Mutable fields are guarded by the kernel lock; {@code killed} is also read by the
 * task's own thread outside it, and {@code waiting} by a waiting task in the free scheduler.
 */
final class Task extends TaskLayout.Gap {
    final TaskId id;
    final String name;
    final Program program;
    /** Set once at spawn, after the start handles are in the table. */
    StartInfo start;
    final HandleTable handles = new HandleTable();
    final SplittableRandom random;
    /**
     * The task's thread, set once at spawn before anything can wake it. Null for the console, the one task
     * without a thread: it waits by running the system from the harness's thread (see {@link Scheduler#block}).
     */
    Thread thread;

    /** Ports this task registered and has not unregistered. Created on first use: most tasks own one. */
    List<Port> ownedPorts;
    /** Calls received under the kernel lock and not yet answered, by reply-right id. Changed under the lock. */
    Map<Long, CallRecord> heldCalls;
    /**
     * Ports this task waits to receive from, or null when it is not waiting in receive. Volatile: a sender
     * that queued without the kernel lock reads it to learn whether to wake the owner (see {@link FastPath#send}).
     */
    volatile Port[] receivingOn;
    /** Why a lookup failed while this task waited (a name declared unavailable), or null. */
    String lookupFailure;

    TaskState state = TaskState.READY;
    /** What the task is blocked in, for {@code ps}. */
    String waitingFor = "";
    /** Set when the task was killed or crashed from outside: its thread unwinds at its next system call. */
    volatile boolean killed;
    /**
     * The fault injected into this task ({@link TaskFaults}): 0 none, {@link TaskFaults#HANG} hung, else the
     * virtual nanoseconds every system call costs. One volatile field, read at every system call.
     */
    volatile long fault;
    /** How the task ended, for {@code ps} and the notification. */
    volatile String endCause = "";

    // Scheduler bookkeeping, guarded by the kernel lock. {@code waiting} is volatile because a parked task
    // in the free scheduler reads it without the lock; {@code handedOff} is only touched by the task's own thread.
    volatile boolean waiting;
    boolean deadlinePassed;
    int runIndex = -1;
    /** Free scheduler: this task woke another since it last blocked, which likely waits for this very carrier. */
    boolean handedOff;
    /** Free scheduler: this task yielded or parked its carrier (a peer spinning for it should yield instead). */
    volatile boolean offCpu;

    Task(TaskId id, String name, Program program, long seed) {
        this.id = id;
        this.name = name;
        this.program = program;
        this.random = new SplittableRandom(seed);
    }

    /** Whether this task waits in receive on {@code p}. Read without the lock by the fast path's senders. */
    boolean waitsIn(Port p) {
        Port[] on = receivingOn;
        if (on != null) {
            for (Port q : on) {
                if (q == p) {
                    return true;
                }
            }
        }
        return false;
    }

    List<Port> ownedPorts() {
        if (ownedPorts == null) {
            ownedPorts = new ArrayList<>(1);
        }
        return ownedPorts;
    }

    Map<Long, CallRecord> heldCalls() {
        if (heldCalls == null) {
            heldCalls = new HashMap<>(4);
        }
        return heldCalls;
    }

    /** The unanswered call with reply-right {@code id} this task holds, or null. */
    CallRecord heldCall(long id) {
        CallRecord quick = lockFreeHeld;
        if (quick != null && quick.id == id) {
            return quick;
        }
        return heldCalls == null ? null : heldCalls.get(id);
    }

    /**
     * Forgets a held call it answers. The task's own thread only: nobody else clears {@code lockFreeHeld}, so a
     * call it takes meanwhile is never lost (a call failed from outside just stays there, no longer pending).
     */
    void releaseHeld(CallRecord call) {
        if (lockFreeHeld == call) {
            lockFreeHeld = null;
        } else if (heldCalls != null) {
            heldCalls.remove(call.id);
        }
    }

    boolean alive() {
        return state.alive();
    }

    @Override
    public String toString() {
        return name + "#" + id;
    }
}
