package org.microsim.abi;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The system-call interface: everything a task can ask of the kernel. One instance per task, usable only
 * from that task's thread. Every failure is a {@link Result.Err} value; no call throws for bad arguments.
 *
 * <pre>
 *   client                    kernel                     server
 *     │ call(h, msg, t) ─────▶ queue on port ──────────▶ receive(...)  (gets a ReplyRight)
 *     │   (blocked)                                         │ work, leaseRead/leaseWrite
 *     │ ◀──────────────────── one-shot reply ◀───────────── reply(right, msg)
 * </pre>
 *
 * Privileged work (spawning tasks, killing them, subscribing to kernel notifications) is not a method here:
 * it is a call to the kernel's own port ({@link KernelRequest}), which only tasks given a handle to it can reach.
 *
 * <h2>Every system call</h2>
 * This interface lists them all. For each: whether it is a <b>switch point</b>, where the deterministic
 * scheduler may run another task when the call returns (a call that waits also lets others run while it
 * waits); whether it takes the <b>kernel lock</b>; and what the <b>console</b> may do with it (the harness's
 * {@code Sys}, {@code Kernel.console()}: a client of the tasks, sender {@link TaskId#CONSOLE}).
 *
 * <pre>
 * system call            switch point  kernel lock            console
 * self, start, now       no            never                  yes (start: no handles, no arguments)
 * random                 no            never                  no: throws SysException(DENIED)
 * registerPort           yes           always                 DENIED
 * unregisterPort         yes           always                 DENIED
 * lookup                 yes           always                 yes: public task ports, as a task
 * send                   yes           on the slow path only  yes: to public task ports, no handles
 * receive                yes           on the slow path only  DENIED
 * call                   yes           on the slow path only  yes: to public task ports, no handles, a lease ok
 * reply                  yes           on the slow path only  DENIED
 * replyAndReceive        yes           on the slow path only  DENIED
 * leaseRead, leaseWrite  yes           always                 DENIED
 * duplicate              yes           always                 DENIED
 * close, inspect         yes           always                 yes
 * sleep                  yes           always                 DENIED
 * mapBar, allocDma       yes           always                 DENIED
 * bindIrq                yes           always                 DENIED
 * log                    no            always                 yes
 * </pre>
 *
 * The <b>slow path</b> is everything the kernel's fast path does not take: with the fast path on (the default)
 * and the trace off, a plain message or call (valid, to an open task port, moving no handles, lending nothing)
 * is queued and taken, and a call held that way answered, without the lock; an error, handles, a lease, the
 * trace, the fast path switched off, waking a peer that waits, and waiting itself take it. The free scheduler
 * has no switch points: tasks run in parallel. The console's calls are never switch points (it runs on the
 * harness's thread); where it waits, the system runs, virtual time included, until it is answered.
 */
public interface Sys {
    /** Wait without a deadline. */
    Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    TaskId self();

    /** How this task was started: its handles and arguments. */
    StartInfo start();

    /** Virtual time in nanoseconds since boot: the only clock a task may read. */
    long now();

    /** The next value of this task's seeded random stream: the only randomness a task may use. */
    long random();

    /** Registers a port owned by this task, with a receive+send+grant handle to it. */
    Result<Handle> registerPort(PortInfo info, PortOptions options);

    default Result<Handle> registerPort(PortInfo info) {
        return registerPort(info, PortOptions.DEFAULT);
    }

    /** Removes a port this task owns; pending callers get {@link ErrorCode#PEER_DIED}. */
    Result<Void> unregisterPort(Handle port);

    /**
     * A send handle to the public port with this name, waiting up to {@code timeout} for it to appear
     * (a name reserved with the service manager starts its owner on first lookup).
     */
    Result<Handle> lookup(String name, Duration timeout);

    /** Queues a message without waiting. A full queue is {@link ErrorCode#QUEUE_FULL}, never a silent drop. */
    Result<Void> send(Handle to, Message message);

    /** The next message on any of {@code ports}, waiting up to {@code timeout}. */
    Result<Received> receive(Duration timeout, Handle... ports);

    /** Sends and waits for the one reply. Handles in the reply are already in this task's table. */
    Result<Message> call(Handle to, Message message, Duration timeout);

    /** Answers a call; a reply right works once. */
    Result<Void> reply(ReplyRight right, Message message);

    /**
     * Answers a call and waits for the next message, as one system call: seL4's ReplyRecv, the whole cost of
     * one turn of a server loop. A caller that stopped waiting is no error here (the server goes on to
     * receive); any other error of the reply is answered without receiving.
     */
    default Result<Received> replyAndReceive(ReplyRight right, Message reply, Duration timeout, Handle... ports) {
        Result<Void> replied = reply(right, reply);
        if (replied.code() != null && replied.code() != ErrorCode.NO_CALLER) {
            return Result.err(replied.errorOrNull());
        }
        return receive(timeout, ports);
    }

    /** Copies from the lease of an unanswered call into {@code dst}; returns the bytes copied. */
    Result<Integer> leaseRead(ReplyRight right, long leaseOffset, byte[] dst, int dstOffset, int length);

    /** Copies {@code src} into the lease of an unanswered call; returns the bytes copied. */
    Result<Integer> leaseWrite(ReplyRight right, long leaseOffset, byte[] src, int srcOffset, int length);

    /** Copies from a lease straight into DMA memory (no intermediate buffer). */
    Result<Integer> leaseRead(ReplyRight right, long leaseOffset, DmaBuffer dst, int dstOffset, int length);

    /** Copies DMA memory straight into a lease. */
    Result<Integer> leaseWrite(ReplyRight right, long leaseOffset, DmaBuffer src, int srcOffset, int length);

    /** A second handle to the same port with at most {@code rights}. */
    Result<Handle> duplicate(Handle handle, Rights rights);

    Result<Void> close(Handle handle);

    Result<HandleInfo> inspect(Handle handle);

    /** Blocks for {@code duration} of virtual time. */
    Result<Void> sleep(Duration duration);

    /** Maps memory BAR {@code bar} of the device behind {@code device} (a handle granted by devd). */
    Result<Mmio> mapBar(Handle device, int bar);

    /** Allocates zeroed, physically contiguous DMA memory. */
    Result<DmaBuffer> allocDma(int size);

    /** Delivers the device's interrupts as {@link MsgIds#IRQ} messages to {@code port} (owned by this task). */
    Result<Void> bindIrq(Handle device, Handle port);

    /** A line for the trace and the console log. */
    void log(String text);
}
