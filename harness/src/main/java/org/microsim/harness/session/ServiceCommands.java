package org.microsim.harness.session;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.svc.Page;
import org.microsim.abi.svc.ServiceState;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.abi.svc.SvcRequest;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.harness.script.UsageException;
import org.microsim.services.devd.Lsdev;
import org.microsim.services.init.Init;
import org.microsim.services.svcman.ServiceTable;

/**
 * Commands that talk to the system services as the console: {@code services}, {@code start}, {@code stop},
 * {@code restart} to the service manager and {@code lsdev} to devd. Every one is a real IPC call through the
 * kernel, so what they show is what a task would see.
 */
final class ServiceCommands {
    private ServiceCommands() {
    }

    static List<Command> of(SimSession s) {
        return List.of(
                new SimpleCommand("services", "services", "list services: state, restarts, dependencies", args -> {
                    MachineCommands.none(args, "services");
                    ConsoleClient svcman = s.client(Init.SERVICE_MANAGER);
                    return ServiceTable.render(Page.all(start -> svcman.call(new SvcRequest.ListAll(start))));
                }),
                new SimpleCommand("lsdev", "lsdev", "show the device tree: ports, classes, drivers and their state",
                        args -> {
                            MachineCommands.none(args, "lsdev");
                            ConsoleClient devd = s.client(Init.DEVICE_MANAGER);
                            return Lsdev.render(Page.all(start -> devd.call(new DevdRequest.Lsdev(start))));
                        }),
                control(s, "start", "start a service and what it needs"),
                control(s, "stop", "stop a service and what needs it"),
                control(s, "restart", "restart a service, then what needs it"));
    }

    /**
     * start, stop or restart: the service manager says which services the request changes; once the machine
     * has settled, the command shows each one's status, so a start that failed says so and why (and fails, for
     * {@code expect error}).
     */
    private static Command control(SimSession s, String verb, String help) {
        return new SimpleCommand(verb, verb + " NAME", help, args -> {
            if (args.size() != 1) {
                throw new UsageException("usage: " + verb + " NAME (a service, a unique start of one, or a driver)");
            }
            ConsoleClient svcman = s.client(Init.SERVICE_MANAGER);
            List<ServiceStatus> all = Page.all(start -> svcman.call(new SvcRequest.ListAll(start)));
            String name = resolve(all, args.get(0));
            Page<String> changed = svcman.call(switch (verb) {
                case "start" -> new SvcRequest.Start(name);
                case "stop" -> new SvcRequest.Stop(name);
                default -> new SvcRequest.Restart(name);
            });
            s.settle();
            String logs = s.drainLogs();
            if (changed.items().isEmpty()) {
                return logs + verb + " " + name + ": nothing to do (" + switch (verb) {
                    case "start" -> "it is running or starting";
                    default -> "it is not running";
                } + ")";
            }
            Map<String, ServiceStatus> now = new HashMap<>();
            Page.all(start -> svcman.call(new SvcRequest.ListAll(start))).forEach(st -> now.put(st.name(), st));
            List<ServiceStatus> statuses = changed.items().stream().filter(now::containsKey).map(now::get).toList();
            int more = changed.total() - changed.items().size();
            List<String> failed = statuses.stream().filter(st -> st.state() == ServiceState.FAILED)
                    .map(ServiceStatus::name).toList();
            List<String> done = changed.items().stream().filter(n -> !failed.contains(n)).toList();
            String out = logs + verb + " " + name + ": "
                    + (done.isEmpty() ? "" : PAST.get(verb) + " " + String.join(", ", done))
                    + (more > 0 ? " and " + more + " more" : "")
                    + (failed.isEmpty() ? "" : (done.isEmpty() ? "" : "; ") + "failed " + String.join(", ", failed))
                    + "\n" + ServiceTable.render(statuses).stripTrailing();
            if (!failed.isEmpty()) {
                throw new CommandFailedException(out);
            }
            return out;
        });
    }

    private static final Map<String, String> PAST = Map.of("start", "started", "stop", "stopped",
            "restart", "restarted");

    /**
     * The service a user means: its exact name; else the one service of a driver program (a driver's service is
     * named after its program and port, {@code partd@ahci0:disk0}); else the one
     * service whose name starts so. Several candidates are named in the error.
     */
    static String resolve(List<ServiceStatus> all, String word) throws CommandFailedException {
        List<String> names = all.stream().map(ServiceStatus::name).toList();
        if (names.contains(word)) {
            return word;
        }
        for (List<String> candidates : List.of(
                names.stream().filter(n -> n.startsWith(word + "@")).toList(),
                names.stream().filter(n -> n.startsWith(word)).toList())) {
            if (candidates.size() == 1) {
                return candidates.get(0);
            }
            if (candidates.size() > 1) {
                throw new CommandFailedException("'" + word + "' could be any of " + String.join(", ", candidates)
                        + ": give the whole name");
            }
        }
        throw new CommandFailedException("no service '" + word + "' (see services)");
    }
}
