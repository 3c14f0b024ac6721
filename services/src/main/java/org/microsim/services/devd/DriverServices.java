package org.microsim.services.devd;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.Sys;
import org.microsim.abi.svc.Page;
import org.microsim.abi.svc.RestartContract;
import org.microsim.abi.svc.ServiceState;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.abi.svc.SvcErrorCode;
import org.microsim.abi.svc.SvcException;
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
    private final Client svcman;

    /** Driver services registered through the service manager's client. */
    DriverServices(Sys sys, Client svcman) {
        this.sys = sys;
        this.svcman = svcman;
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
        try {
            svcman.call(new SvcRequest.Register(s.service(), s.driver(), deps, CONTRACT, List.of(),
                    port == null ? List.of() : List.of(port)));
        } catch (SvcException e) {
            if (e.error() != SvcErrorCode.EXISTS) {
                sys.log("devd: cannot register " + s.service() + " for " + s.port() + ": " + e.getMessage());
                return ServiceState.FAILED;
            }
        }
        try {
            svcman.call(new SvcRequest.Start(s.service()));
        } catch (SvcException e) {
            sys.log("devd: cannot start " + s.service() + ": " + e.getMessage());
            return ServiceState.FAILED;
        }
        return ServiceState.STARTING;
    }

    /** Stops and forgets a driver service (its dependents are forgotten first: devd unplugs bottom-up). */
    void forget(String service) {
        try {
            svcman.call(new SvcRequest.Unregister(service));
        } catch (SvcException e) {
            sys.log("devd: cannot unregister " + service + ": " + e.getMessage());
        }
    }

    /** The state of every service the service manager lists; empty when it cannot be asked. */
    Map<String, ServiceState> states() {
        Map<String, ServiceState> out = new HashMap<>();
        try {
            for (ServiceStatus status : Page.all(start -> svcman.call(new SvcRequest.ListAll(start)))) {
                out.put(status.name(), status.state());
            }
        } catch (SvcException e) {
            sys.log("devd: cannot list the services: " + e.getMessage());
        }
        return out;
    }
}
