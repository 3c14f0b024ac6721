package org.microsim.abi.svc;

import java.util.List;
import org.microsim.abi.EmptyReply;
import org.microsim.abi.Handle;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Protocol;
import org.microsim.abi.Request;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * A request to the service manager. Strings are u16-length UTF-8; name lists are a u8 count then strings.
 * Names are 1..32 bytes without spaces, commas or control characters.
 *
 * <pre>
 * 200 REGISTER  name str, program str, deps list, contract (46 bytes, {@link RestartContract}), reserved list;
 *               handles 0..{@value #MAX_START_HANDLES}: the service's start handles
 *               reply: empty                 errors: EXISTS, UNKNOWN_SERVICE (a dependency), BAD_REQUEST
 * 201 DEPEND    service str, dependency str  reply: empty   errors: UNKNOWN_SERVICE, CYCLE, BAD_REQUEST
 * 202 START     service str                  reply: the first {@link Page} of the services it starts
 * 203 STOP      service str                  reply: the first {@link Page} of the services it stops
 * 204 RESTART   service str                  reply: the first {@link Page} of the services it restarts
 *                                            (in the order it does so; empty when there is nothing to do)
 *                                            errors: UNKNOWN_SERVICE
 * 205 STATUS    service str                  reply: one {@link ServiceStatus}
 * 206 LIST      start u16 (first item)       reply: a {@link Page} of {@link ServiceStatus}, sorted by name
 * 207 READY     (no bytes; the sender's task is the service)   reply: empty   errors: DENIED
 * 208 UNREGISTER service str                 reply: empty   errors: UNKNOWN_SERVICE, IN_USE
 * </pre>
 *
 * <p><b>Start handles.</b> REGISTER may transfer up to {@value #MAX_START_HANDLES} handles (each with the grant
 * right). The service manager keeps them with the service and passes them, in order, as the start handles of
 * every task it spawns for it, restarts included; that is how devd hands a driver its device. Every other
 * request carries no handles; one that does, or a REGISTER with more, is malformed (BAD_REQUEST). A refused
 * request, a REGISTER of a name that exists among them, changes nothing, and its handles are closed.
 *
 * <p><b>Unregistering.</b> UNREGISTER stops the service (kills its task), tells waiters for its reserved names
 * that they are unavailable, and forgets the service, its names and its start handles. It is refused with
 * IN_USE, changing nothing, while other services depend on it: as Fuchsia's driver manager removes a device
 * node only after its children, a caller takes a dependency tree apart bottom-up (devd does so on unplug),
 * so no service is ever left depending on one that no longer exists.
 *
 * Replies use {@link org.microsim.abi.Replies}; error codes are {@link SvcErrorCode}.
 */
public sealed interface SvcRequest<T> extends Request<T, SvcException> {
    int REGISTER = MsgIds.SERVICE_MANAGER_BASE;
    int DEPEND = MsgIds.SERVICE_MANAGER_BASE + 1;
    int START = MsgIds.SERVICE_MANAGER_BASE + 2;
    int STOP = MsgIds.SERVICE_MANAGER_BASE + 3;
    int RESTART = MsgIds.SERVICE_MANAGER_BASE + 4;
    int STATUS = MsgIds.SERVICE_MANAGER_BASE + 5;
    int LIST = MsgIds.SERVICE_MANAGER_BASE + 6;
    int READY = MsgIds.SERVICE_MANAGER_BASE + 7;
    int UNREGISTER = MsgIds.SERVICE_MANAGER_BASE + 8;

    /** The most start handles a service may be registered with. */
    int MAX_START_HANDLES = 4;

    /**
     * The protocol: a request that does not decode is BAD_REQUEST; a manager that cannot be reached, or fails
     * on its own, UNAVAILABLE.
     */
    Protocol<SvcRequest<?>, SvcException> PROTOCOL = Protocol.of("service manager", SvcRequest::decode,
            SvcException::of, SvcException::new, SvcErrorCode.BAD_REQUEST.code(), SvcErrorCode.UNAVAILABLE.code());

    @Override
    default Protocol<?, SvcException> protocol() {
        return PROTOCOL;
    }

    /**
     * Registers a service: its program, direct dependencies, contract, the names it will provide and the
     * handles its tasks start with (the sender's handles in a request built to send, the receiver's once decoded).
     */
    record Register(String name, String program, List<String> deps, RestartContract contract,
                    List<String> reserved, List<Handle> handles) implements SvcRequest<Void>, EmptyReply<SvcException> {
        /** Validates names and copies the lists. */
        public Register {
            check("service name", name);
            check("program", program);
            deps = Names.checkList("dependency", deps);
            reserved = Names.checkList("reserved name", reserved);
            if (contract == null) {
                throw new IllegalArgumentException("restart contract is missing");
            }
            handles = List.copyOf(handles);
            if (handles.size() > MAX_START_HANDLES) {
                throw new IllegalArgumentException("more than " + MAX_START_HANDLES + " start handles");
            }
        }

        /** A service whose tasks start without handles. */
        public Register(String name, String program, List<String> deps, RestartContract contract,
                        List<String> reserved) {
            this(name, program, deps, contract, reserved, List.of());
        }

        @Override
        public Message toMessage() {
            WireWriter w = new WireWriter().string(name).string(program);
            Names.writeList(w, deps);
            contract.write(w);
            Names.writeList(w, reserved);
            return new Message(REGISTER, w.toByteArray(), handles, null);
        }
    }

    /** Adds a dependency edge to registered services: {@code service} needs {@code dependency}. */
    record Depend(String service, String dependency) implements SvcRequest<Void>, EmptyReply<SvcException> {
        /** Validates the names. */
        public Depend {
            check("service name", service);
            check("dependency", dependency);
        }

        @Override
        public Message toMessage() {
            return Message.of(DEPEND, new WireWriter().string(service).string(dependency).toByteArray());
        }
    }

    /**
     * Starts a service and, first, its dependencies; then the services that a stop of any of them took down
     * with it, so that START undoes STOP.
     */
    record Start(String service) implements SvcRequest<Page<String>> {
        /** Validates the name. */
        public Start {
            check("service name", service);
        }

        @Override
        public Message toMessage() {
            return named(START, service);
        }

        @Override
        public Page<String> decodeReply(Message reply) throws MalformedException {
            return changed(reply);
        }
    }

    /** Stops a service and, first, everything that depends on it. */
    record Stop(String service) implements SvcRequest<Page<String>> {
        /** Validates the name. */
        public Stop {
            check("service name", service);
        }

        @Override
        public Message toMessage() {
            return named(STOP, service);
        }

        @Override
        public Page<String> decodeReply(Message reply) throws MalformedException {
            return changed(reply);
        }
    }

    /** Stops then starts a service and its dependents; clears a {@code failed} state. */
    record Restart(String service) implements SvcRequest<Page<String>> {
        /** Validates the name. */
        public Restart {
            check("service name", service);
        }

        @Override
        public Message toMessage() {
            return named(RESTART, service);
        }

        @Override
        public Page<String> decodeReply(Message reply) throws MalformedException {
            return changed(reply);
        }
    }

    /** Asks for one service's status. */
    record Status(String service) implements SvcRequest<ServiceStatus> {
        /** Validates the name. */
        public Status {
            check("service name", service);
        }

        @Override
        public Message toMessage() {
            return named(STATUS, service);
        }

        @Override
        public ServiceStatus decodeReply(Message reply) throws MalformedException {
            WireReader r = reply.reader();
            ServiceStatus status = ServiceStatus.read(r);
            r.end("status reply");
            if (!reply.handles().isEmpty()) {
                throw new MalformedException("a status reply carries no handles");
            }
            return status;
        }
    }

    /** Asks for the statuses of all services, sorted by name, from the {@code start}-th on. */
    record ListAll(int start) implements SvcRequest<Page<ServiceStatus>> {
        /** Checks the range. */
        public ListAll {
            Page.checkStart(start);
        }

        @Override
        public Message toMessage() {
            return Message.of(LIST, new WireWriter().u16(start).toByteArray());
        }

        @Override
        public Page<ServiceStatus> decodeReply(Message reply) throws MalformedException {
            return Page.decode(reply, ServiceStatus::read);
        }
    }

    /** A service tells the manager it is ready to serve. */
    record Ready() implements SvcRequest<Void>, EmptyReply<SvcException> {
        @Override
        public Message toMessage() {
            return Message.of(READY);
        }
    }

    /** Stops and forgets a service that nothing depends on, with its reserved names and start handles. */
    record Unregister(String service) implements SvcRequest<Void>, EmptyReply<SvcException> {
        /** Validates the name. */
        public Unregister {
            check("service name", service);
        }

        @Override
        public Message toMessage() {
            return named(UNREGISTER, service);
        }
    }

    /**
     * Decodes a request.
     *
     * @throws MalformedException for an unknown msg id, a short or over-long payload, a bad field, or handles on a
     *                            request other than REGISTER (or more than {@link #MAX_START_HANDLES} on one)
     */
    static SvcRequest<?> decode(Message message) throws MalformedException {
        WireReader r = message.reader();
        List<Handle> handles = message.handles();
        if (message.msgId() != REGISTER && !handles.isEmpty()) {
            throw new MalformedException("service manager request " + message.msgId() + " carries no handles, not "
                    + handles.size());
        }
        if (handles.size() > MAX_START_HANDLES) {
            throw new MalformedException(handles.size() + " start handles is over the limit of " + MAX_START_HANDLES);
        }
        SvcRequest<?> request = switch (message.msgId()) {
            case REGISTER -> {
                String name = Names.read(r, "service name");
                String program = Names.read(r, "program");
                List<String> deps = Names.readList(r, "dependency");
                RestartContract contract = RestartContract.read(r);
                yield new Register(name, program, deps, contract, Names.readList(r, "reserved name"), handles);
            }
            case DEPEND -> new Depend(Names.read(r, "service name"), Names.read(r, "dependency"));
            case START -> new Start(Names.read(r, "service name"));
            case STOP -> new Stop(Names.read(r, "service name"));
            case RESTART -> new Restart(Names.read(r, "service name"));
            case STATUS -> new Status(Names.read(r, "service name"));
            case LIST -> new ListAll(r.u16("start"));
            case READY -> new Ready();
            case UNREGISTER -> new Unregister(Names.read(r, "service name"));
            default -> throw new MalformedException("unknown service manager request " + message.msgId());
        };
        r.end("service manager request " + message.msgId());
        return request;
    }

    /** The services a START, STOP or RESTART changed: the first page of their names. */
    private static Page<String> changed(Message reply) throws MalformedException {
        return Page.decode(reply, r -> Names.read(r, "service name"));
    }

    private static Message named(int msgId, String name) {
        return Message.of(msgId, new WireWriter().string(name).toByteArray());
    }

    private static void check(String what, String name) {
        String problem = Names.problem(what, name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }
}
