package org.microsim.harness.session;

import java.util.List;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.svc.Page;
import org.microsim.abi.svc.SvcRequest;
import org.microsim.harness.script.Command;
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

    private static Command control(SimSession s, String verb, String help) {
        return new SimpleCommand(verb, verb + " NAME", help, args -> {
            if (args.size() != 1) {
                throw new UsageException("usage: " + verb + " NAME");
            }
            String name = args.get(0);
            SvcRequest<Void> request;
            try {
                request = switch (verb) {
                    case "start" -> new SvcRequest.Start(name);
                    case "stop" -> new SvcRequest.Stop(name);
                    default -> new SvcRequest.Restart(name);
                };
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            s.client(Init.SERVICE_MANAGER).call(request);
            s.kernel().settle();
            return s.drainLogs() + verb + " " + name + ": done";
        });
    }
}
