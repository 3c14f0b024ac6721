package org.microsim.abi;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The one server runtime: a loop that every server task runs, around a {@link Handler} that is all the server
 * itself is. As a Hubris server is {@code loop { dispatch }} over its protocol, and as seL4's ReplyRecv makes a
 * request cost one kernel entry, each turn answers the last call and waits for the next message in one system
 * call ({@link Sys#replyAndReceive}):
 *
 * <pre>
 *          ┌─────────── replyAndReceive(the last reply, wait until handler.wakeAt()) ◀────────────┐
 *          ▼                                                                                        │
 *  call ─▶ decode ─┬─ request ─▶ handler.handle ─┬─ reply ──────────────────────────────────────────┤
 *          │       │                             ├─ NO_REPLY (answered elsewhere) ──────────────────┤
 *          │       │                             └─ exception ─▶ error reply ───────────────────────┤
 *          │       └─ malformed ─▶ error reply (badRequestCode), logged once per msg id ────────────┤
 *  kernel ─▶ Notice.Kernel / Notice.Interrupt ─▶ handler.notice ────────────────────────────────────┤
 *  send ───▶ Notice.Sent ─▶ handler.notice (not taken: handles closed, logged once) ────────────────┤
 *  timeout, or wakeAt passed ─▶ Notice.Deadline ─▶ handler.notice ──────────────────────────────────┘
 * </pre>
 *
 * <p>Nothing a client sends can end the loop: a request that does not decode gets the protocol's bad-request
 * answer, a handler's {@link ProtocolException} its own code, and any other exception of the handler the
 * protocol's internal-error code. The exception is {@link SysException}: a handler that turned a failed system
 * call into one ({@link Result#orThrow}) asked for the task to fault, and it does, so that its supervisor
 * restarts it (Hubris' split between "reply with a code" and "fault the task"). A receive that fails for
 * another reason than its timeout (the server's own port is gone) faults the task the same way.
 *
 * <p>Notifications are believed only from the kernel: the sender is the kernel's stamp, so a task cannot pass
 * for it. Handles that arrive with anything the handler does not take are closed, so nobody can fill a server's
 * handle table.
 *
 * @param <R> the protocol's sealed request type
 */
public final class Server<R> {
    /** How many distinct msg ids the runtime reports as undecodable or ignored; past that it stays quiet. */
    private static final int MAX_REPORTED = 64;

    private final Sys sys;
    private final Handler<R> handler;
    private final Protocol<R, ?> protocol;
    private final PortSet ports;
    private final String who;
    private final Set<Integer> reported = new HashSet<>();
    /** The call answered at the start of the next turn, with its reply; null when there is none. */
    private ReplyRight pendingRight;
    private Message pendingReply;

    private Server(Sys sys, Handler<R> handler, PortSet ports) {
        this.sys = sys;
        this.handler = handler;
        this.protocol = handler.protocol();
        this.ports = ports;
        this.who = sys.start().program();
    }

    /**
     * Serves {@code handler}'s protocol on {@code ports} (1 to 64, all owned by the task) until the task is
     * killed or faults, or until the handler says it has {@linkplain Handler#finished() finished}: then it sends
     * the last reply and returns.
     */
    public static <R> void serve(Sys sys, Handler<R> handler, Handle... ports) {
        new Server<>(sys, handler, PortSet.of(ports)).run();
    }

    /**
     * Serves {@code handler}'s protocol on the ports in {@code ports}, which the handler may change as it goes (a
     * bus driver's devices come and go); each wait covers the ports there are then. It returns as the other
     * {@code serve} does.
     */
    public static <R> void serve(Sys sys, Handler<R> handler, PortSet ports) {
        new Server<>(sys, handler, ports).run();
    }

    private void run() {
        while (true) {
            switch (next()) {
                case Result.Ok<Received>(Received r) -> dispatch(r);
                case Result.Err<Received>(SysError e) -> {
                    if (e.code() != ErrorCode.TIMED_OUT) {
                        throw new SysException(e);
                    }
                }
            }
            long wakeAt = handler.wakeAt();
            if (wakeAt != Long.MAX_VALUE && wakeAt <= sys.now()) {
                flush();
                notice(new Notice.Deadline(sys.now()));
            }
            if (handler.finished()) {
                flush();
                return;
            }
        }
    }

    /** Answers the pending call, if any, and waits for the next message until the handler's wake-up time. */
    private Result<Received> next() {
        long wakeAt = handler.wakeAt();
        Duration wait = wakeAt == Long.MAX_VALUE ? Sys.FOREVER : Duration.ofNanos(Math.max(0, wakeAt - sys.now()));
        if (pendingRight == null) {
            return sys.receive(wait, ports.current());
        }
        ReplyRight right = pendingRight;
        Message reply = pendingReply;
        pendingRight = null;
        pendingReply = null;
        Result<Received> r = sys.replyAndReceive(right, reply, wait, ports.current());
        if (r.code() == null || r.code() == ErrorCode.TIMED_OUT) {
            return r;
        }
        // The reply itself may have been refused (a defect of the handler: too large, a bad handle): its caller
        // then gets an error instead of waiting out its timeout. When the receive failed instead, the right is
        // spent and this answer finds no caller, and the receive below fails again.
        replyFailed(right, r.errorOrNull());
        return sys.receive(wait, ports.current());
    }

    private void replyFailed(ReplyRight right, SysError error) {
        Result<Void> sent = sys.reply(right, Replies.error(protocol.internalErrorCode(),
                who + " could not send its reply: " + error));
        if (sent.isOk()) {
            sys.log(who + ": a reply was refused (" + error + "); the caller got an error instead");
        }
    }

    /** Sends the pending reply on its own, before the handler does more work. */
    private void flush() {
        if (pendingRight != null) {
            Result<Void> sent = sys.reply(pendingRight, pendingReply);
            if (sent.code() != null && sent.code() != ErrorCode.NO_CALLER) {
                replyFailed(pendingRight, sent.errorOrNull());
            }
            pendingRight = null;
            pendingReply = null;
        }
    }

    private void dispatch(Received r) {
        if (r.isCall()) {
            Message reply = answer(r);
            if (reply != Handler.NO_REPLY) {
                pendingRight = r.replyRight();
                pendingReply = reply;
            }
        } else if (r.sender().equals(TaskId.KERNEL)) {
            fromKernel(r);
        } else if (!notice(new Notice.Sent(r))) {
            closeHandles(r.message());
            report(r.msgId(), "ignored message " + r.msgId() + " from task " + r.sender() + ": it is not a call");
        }
    }

    private Message answer(Received call) {
        R request;
        try {
            request = protocol.decode(call.message());
        } catch (MalformedException e) {
            closeHandles(call.message());
            report(call.msgId(), "malformed " + protocol.name() + " request " + call.msgId() + " from task "
                    + call.sender() + ": " + e.getMessage());
            return Replies.error(protocol.badRequestCode(), "malformed " + protocol.name() + " request: "
                    + e.getMessage());
        }
        try {
            Message reply = handler.handle(request, call);
            if (reply == null) {
                throw new IllegalStateException("the handler returned no reply for " + request);
            }
            return reply;
        } catch (ProtocolException e) {
            return Replies.error(e);
        } catch (SysException e) {
            throw e;
        } catch (RuntimeException e) {
            sys.log(who + ": internal error serving " + request + ": " + e);
            return Replies.error(protocol.internalErrorCode(), "internal error: " + e);
        }
    }

    private void fromKernel(Received r) {
        Notice notice;
        try {
            notice = r.msgId() == MsgIds.IRQ ? new Notice.Interrupt(r.port(), irqLine(r.message()))
                    : new Notice.Kernel(KernelNotice.decode(r.message()));
        } catch (MalformedException e) {
            closeHandles(r.message());
            report(r.msgId(), "malformed kernel notice " + r.msgId() + ": " + e.getMessage());
            return;
        }
        if (!notice(notice)) {
            closeHandles(r.message());
        }
    }

    private static int irqLine(Message m) throws MalformedException {
        WireReader in = m.reader();
        int line = in.i32("irq line");
        in.end("interrupt");
        return line;
    }

    /** Hands a notice to the handler; a defect it hits is logged, and the loop goes on. */
    private boolean notice(Notice notice) {
        try {
            return handler.notice(notice);
        } catch (SysException e) {
            throw e;
        } catch (RuntimeException e) {
            sys.log(who + ": internal error on " + notice + ": " + e);
            return false;
        }
    }

    private void closeHandles(Message m) {
        m.handles().forEach(sys::close);
    }

    /** Logs the first problem with each msg id, so that a flood of bad messages is one line, not a flood. */
    private void report(int msgId, String line) {
        if (reported.size() < MAX_REPORTED && reported.add(msgId)) {
            sys.log(who + ": " + line);
        }
    }
}
