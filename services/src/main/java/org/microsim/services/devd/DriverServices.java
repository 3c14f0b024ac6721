package org.microsim.services.devd;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.Handle;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.svc.Page;
import org.microsim.abi.svc.RestartContract;
import org.microsim.abi.svc.ServiceState;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.abi.svc.SvcErrorCode;
import org.microsim.abi.svc.SvcRequest;

/**
 * devd's side of the service manager protocol: a bound driver is a service the service manager supervises,
 * under the default restart contract, ready as soon as its task runs (drivers do not report ready), with the
 * port it drives as start handle 0 and the parent port's driver as its dependency. Every failure is logged
 * and reported as a {@code failed} driver, never thrown: devd keeps serving when the service manager refuses.
 */
final class DriverServices {
    /** The contract of every driver service. */
    static final RestartContract CONTRACT = RestartContract.DEFAULT.withReadyOnStart(true);

    private final Sys sys;
    private final Handle svcman;
    private final Duration timeout;

    /** Driver services registered through the service manager port {@code svcman}, each call waiting {@code timeout}. */
    DriverServices(Sys sys, Handle svcman, Duration timeout) {
        this.sys = sys;
        this.svcman = svcman;
        this.timeout = timeout;
    }

    /**
     * Registers and starts the driver service; {@code port} (null when devd has no handle to it) is transferred.
     * A service of that name registered already is the same port's driver (port ids are never reused) left by an
     * earlier devd, and is started as it is.
     *
     * @return {@code starting}, or {@code failed} when the service manager refused
     */
    ServiceState start(DevdAction.StartDriver s, Handle port) {
        List<String> deps = s.dependsOn().isEmpty() ? List.of() : List.of(s.dependsOn());
        Replies.Failure registered = call(new SvcRequest.Register(s.service(), s.driver(), deps, CONTRACT, List.of(),
                port == null ? List.of() : List.of(port)));
        if (registered != null && registered.code() != SvcErrorCode.EXISTS.code()) {
            sys.log("devd: cannot register " + s.service() + " for " + s.port() + ": " + registered.detail());
            return ServiceState.FAILED;
        }
        Replies.Failure started = call(new SvcRequest.Start(s.service()));
        if (started != null) {
            sys.log("devd: cannot start " + s.service() + ": " + started.detail());
            return ServiceState.FAILED;
        }
        return ServiceState.STARTING;
    }

    /** Stops and forgets a driver service (its dependents are forgotten first: devd unplugs bottom-up). */
    void forget(String service) {
        Replies.Failure f = call(new SvcRequest.Unregister(service));
        if (f != null) {
            sys.log("devd: cannot unregister " + service + ": " + f.detail());
        }
    }

    /** The state of every service the service manager lists; empty when it cannot be asked. */
    Map<String, ServiceState> states() {
        Map<String, ServiceState> out = new HashMap<>();
        int start = 0;
        // Each page moves start on by at least one item, and a page starts at most at 65535: bounded.
        while (start <= 0xffff) {
            Result<Message> reply = sys.call(svcman, new SvcRequest.ListAll(start).encode(), timeout);
            Page<ServiceStatus> page;
            try {
                if (!(reply instanceof Result.Ok<Message>(Message m)) || Replies.failure(m) != null) {
                    sys.log("devd: cannot list the services: " + reply);
                    return out;
                }
                page = ServiceStatus.decodePage(m.data());
            } catch (MalformedException e) {
                sys.log("devd: malformed service list: " + e.getMessage());
                return out;
            }
            page.items().forEach(status -> out.put(status.name(), status.state()));
            if (page.last() || page.items().isEmpty()) {
                return out;
            }
            start = page.start() + page.items().size();
        }
        return out;
    }

    /** The failure the service manager answered, or null for a success. */
    private Replies.Failure call(SvcRequest request) {
        Result<Message> reply = sys.call(svcman, request.encode(), timeout);
        if (!(reply instanceof Result.Ok<Message>(Message m))) {
            return new Replies.Failure(SvcErrorCode.UNAVAILABLE.code(),
                    "service manager unreachable: " + reply.errorOrNull());
        }
        try {
            return Replies.failure(m);
        } catch (MalformedException e) {
            return new Replies.Failure(SvcErrorCode.UNAVAILABLE.code(), "malformed reply: " + e.getMessage());
        }
    }
}
