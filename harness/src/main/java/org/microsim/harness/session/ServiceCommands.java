package org.microsim.harness.session;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.MalformedException;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.devd.LsdevEntry;
import org.microsim.abi.svc.Page;
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

    /** Reads every page of a list. */
    @FunctionalInterface
    private interface Pager<T> {
        Page<T> page(int start) throws CommandFailedException, MalformedException;
    }

    static List<Command> of(SimSession s) {
        return List.of(
                new SimpleCommand("services", "services", "list services: state, restarts, dependencies", args -> {
                    MachineCommands.none(args, "services");
                    return ServiceTable.render(all(start -> ServiceStatus.decodePage(
                            s.call(Init.SERVICE_MANAGER, new SvcRequest.ListAll(start).encode()))));
                }),
                new SimpleCommand("lsdev", "lsdev", "show the device tree: ports, classes, drivers and their state",
                        args -> {
                            MachineCommands.none(args, "lsdev");
                            return Lsdev.render(all(start -> LsdevEntry.decodePage(
                                    s.call(Init.DEVICE_MANAGER, new DevdRequest.Lsdev(start).encode()))));
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
            SvcRequest request;
            try {
                request = switch (verb) {
                    case "start" -> new SvcRequest.Start(name);
                    case "stop" -> new SvcRequest.Stop(name);
                    default -> new SvcRequest.Restart(name);
                };
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            s.call(Init.SERVICE_MANAGER, request.encode());
            s.kernel().settle();
            return s.drainLogs() + verb + " " + name + ": done";
        });
    }

    private static <T> List<T> all(Pager<T> pager) throws CommandFailedException {
        List<T> items = new ArrayList<>();
        try {
            Page<T> page;
            do {
                page = pager.page(items.size());
                items.addAll(page.items());
            } while (!page.last() && !page.items().isEmpty());
        } catch (MalformedException e) {
            throw new CommandFailedException("malformed list reply: " + e.getMessage());
        }
        return items;
    }
}
