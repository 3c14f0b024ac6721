package org.microsim.testkit.task;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.microsim.abi.CallException;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Sys;

/**
 * The rig's stand-in for devd, a privileged task: it subscribes to the kernel's port and task events, starts
 * the driver a rule names on every port the rule matches (handing it the port as start handle 0) and starts it
 * again on the same port when it crashes. No rules file, no service manager: what a driver's test needs of devd
 * and nothing it could get wrong.
 */
final class DriverStarter implements Program {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A driver to start on every port that matches; numbered ones are named program0, program1... per port. */
    record Rule(String program, Predicate<KernelNotice.PortEvent> matches, byte[] args, boolean numbered) {
    }

    private record Started(Rule rule, Handle port) {
    }

    private final List<Rule> rules;
    private final AtomicInteger starts;

    DriverStarter(List<Rule> rules, AtomicInteger starts) {
        this.rules = List.copyOf(rules);
        this.starts = starts;
    }

    @Override
    public void run(Sys sys) throws Exception {
        Handle kernel = sys.start().handle(0);
        Handle inbox = sys.registerPort(PortInfo.of("test-devd", PortClass.SERVICE, PortSubclass.SERVICE_GENERIC),
                PortOptions.PRIVATE).orThrow();
        Client.call(sys, kernel, new KernelRequest.Subscribe(KernelRequest.PORT_EVENTS | KernelRequest.TASK_EVENTS,
                inbox), null, WAIT);
        Map<String, Started> started = new HashMap<>();
        Map<Rule, Integer> matched = new HashMap<>();
        while (true) {
            Received r = sys.receive(Sys.FOREVER, inbox).orThrow();
            switch (KernelNotice.decode(r.message())) {
                case KernelNotice.PortRegistered p -> {
                    Rule rule = rules.stream().filter(d -> d.matches().test(p.port())).findFirst().orElse(null);
                    if (rule != null) {
                        int index = matched.merge(rule, 1, Integer::sum) - 1;
                        String task = rule.numbered() ? rule.program() + index : rule.program();
                        started.put(task, new Started(rule, p.handle()));
                        spawn(sys, kernel, task, started.get(task));
                    }
                }
                case KernelNotice.TaskEnded t when t.crashed() && started.containsKey(t.name()) ->
                        spawn(sys, kernel, t.name(), started.get(t.name()));
                default -> {
                }
            }
        }
    }

    private void spawn(Sys sys, Handle kernel, String task, Started s) throws CallException {
        Client.call(sys, kernel, new KernelRequest.Spawn(s.rule().program(), task, null, s.rule().args(),
                List.of(s.port())), null, WAIT);
        starts.incrementAndGet();
    }
}
