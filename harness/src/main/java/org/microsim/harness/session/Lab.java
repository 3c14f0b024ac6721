package org.microsim.harness.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import org.microsim.harness.trace.ChromeTrace;
import java.util.List;
import java.util.Map;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.Session;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandException;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.harness.script.Completion;
import org.microsim.harness.script.Foreground;
import org.microsim.harness.script.UsageException;
import org.microsim.kernel.Kernel;
import org.microsim.harness.web.SystemView;
import org.microsim.kernel.TraceEvent;
import org.microsim.kernel.World;
import org.microsim.kernel.machine.Lan;

/**
 * The machines of a session, and the wires between them. A session starts with one machine, {@value #FIRST}, and
 * every command acts on the current machine; {@code machine add NAME} adds another (the demo machine again unless
 * its own {@code drive}/{@code nic} commands describe it, with its NICs numbered so no two machines share a MAC),
 * {@code on NAME COMMAND ...} runs one command on another machine, and {@code machine use NAME} makes it current.
 *
 * <pre>
 *            commands ──▶ Lab ──▶ current machine (a SimSession: its kernel, its Machine)
 *   on b ping 10.0.2.15 ──▶ └──▶ machine b
 *                           Network: LANs by name (NICs of every machine plug in), the capture file
 *                           World: the machines' kernels in lockstep, once there are two
 * </pre>
 *
 * <p>With one machine nothing here shows, and the machine runs exactly as it would alone. From the second on, the
 * kernels join a {@link World}, which keeps their virtual clocks together (no machine runs ahead of another by more
 * than the shortest LAN delay), so a frame always lands in its receiver's future and a run stays a function of its
 * seed; a command that lets one machine run (sleep, a ping that waits for an answer) lets them all run. Log lines
 * of tasks then carry their machine's name. {@code --trace} records the first machine.
 */
final class Lab implements Session {
    static final String FIRST = "main";

    private final MachineOptions options;
    private final Network network;
    private final Map<String, SimSession> machines = new LinkedHashMap<>();
    private final Map<SimSession, Map<String, Command>> commandsOf = new LinkedHashMap<>();
    private Foreground foreground;
    private String current = FIRST;
    private World world;

    Lab(MachineOptions options, MachineSetup first, Network network) {
        this.options = options;
        this.network = network;
        machines.put(FIRST, new SimSession(options, first, network, this, FIRST));
    }

    @Override
    public List<Command> commands() {
        List<Command> all = new ArrayList<>();
        for (Command c : machines.get(FIRST).commands()) {
            all.add(new SimpleCommand(c.name(), c.usage(), c.help(), args -> command(session(current),
                    c.name()).run(args)));
        }
        all.add(new SimpleCommand("machine", "machine [add NAME | use NAME]",
                "list the machines, add one (a demo machine unless described before its boot), or pick the current",
                this::machine));
        all.add(new SimpleCommand("on", "on MACHINE COMMAND [ARGS...]", "run one command on another machine",
                args -> {
                    if (args.size() < 2) {
                        throw new UsageException("usage: on MACHINE COMMAND [ARGS...]");
                    }
                    SimSession target = session(args.get(0));
                    if (args.get(1).equals("on") || args.get(1).equals("machine")) {
                        throw new UsageException("'on' runs a machine's own commands, not '" + args.get(1) + "'");
                    }
                    return command(target, args.get(1)).run(args.subList(2, args.size()));
                }));
        return all;
    }

    private String machine(List<String> args) throws CommandException {
        if (args.isEmpty()) {
            List<String> lines = new ArrayList<>();
            machines.forEach((name, s) -> lines.add((name.equals(current) ? "* " : "  ") + name + "  "
                    + (s.booted() ? "booted, " + s.machineOrNull().nicCount() + " NIC(s)" : "not booted")));
            return String.join("\n", lines);
        }
        if (args.size() != 2 || !(args.get(0).equals("add") || args.get(0).equals("use"))) {
            throw new UsageException("usage: machine [add NAME | use NAME]");
        }
        String name = args.get(1);
        if (args.get(0).equals("use")) {
            session(name);
            current = name;
            return "commands now act on " + name;
        }
        if (!name.matches("[a-z][a-z0-9_-]{0,15}")) {
            throw new UsageException("a machine's name is a lower-case letter and up to 15 letters, digits, '-' or "
                    + "'_', not '" + name + "'");
        }
        if (machines.containsKey(name)) {
            throw new CommandFailedException("there is a machine " + name + " already (see machine)");
        }
        MachineSetup setup = new MachineSetup();
        setup.machineIndex(machines.size());
        SimSession s = new SimSession(options, setup, network, this, name);
        if (foreground != null) {
            s.attach(foreground);
        }
        machines.put(name, s);
        if (world == null) {
            world = new World(Lan.MIN_DELAY_NANOS);
            for (SimSession m : machines.values()) {
                if (m.booted()) {
                    world.join(m.kernel());
                }
            }
        }
        return "machine " + name + " added (boot it with: on " + name + " boot)";
    }

    /** A machine's kernel is built: with several machines it joins the others' clock. */
    void booted(Kernel kernel) {
        if (world != null) {
            world.join(kernel);
        }
    }

    /** Whether lines should say which machine they come from. */
    boolean several() {
        return machines.size() > 1;
    }

    /** The machine named {@code name}. */
    SimSession machine(String name) throws CommandFailedException {
        return session(name);
    }

    private SimSession session(String name) throws CommandFailedException {
        SimSession s = machines.get(name);
        if (s == null) {
            throw new CommandFailedException("no machine " + name + " (machines: " + String.join(", ",
                    machines.keySet()) + ")");
        }
        return s;
    }

    private Command command(SimSession s, String name) throws UsageException {
        Command c = commandsOf.computeIfAbsent(s, k -> {
            Map<String, Command> byName = new LinkedHashMap<>();
            k.commands().forEach(cmd -> byName.put(cmd.name(), cmd));
            return byName;
        }).get(name);
        if (c == null) {
            throw new UsageException("no command '" + name + "' (see help)");
        }
        return c;
    }

    @Override
    public List<Completion> complete(String command, List<String> before, String prefix) {
        if (command.equals("on") && before.isEmpty() || command.equals("machine") && before.size() == 1) {
            return machines.keySet().stream().filter(n -> n.startsWith(prefix)).map(n -> new Completion(n, true)).toList();
        }
        return machines.get(current).complete(command, before, prefix);
    }

    @Override
    public void attach(Foreground live) {
        foreground = live;
        machines.values().forEach(s -> s.attach(live));
    }

    @Override
    public java.util.Optional<Kernel> runningKernel() {
        return machines.get(current).runningKernel();
    }

    @Override
    public List<TraceEvent> trace() {
        return machines.get(FIRST).trace();
    }

    @Override
    public List<ChromeTrace.Machine> traces() {
        if (machines.size() == 1) {
            return Session.super.traces();
        }
        // Each machine's kernel keeps its own record; the total first, as TraceFile explains.
        return machines.entrySet().stream().map(e -> {
            long total = e.getValue().traceTotal();
            return new ChromeTrace.Machine("microsim " + e.getKey(), e.getValue().trace(), total);
        }).toList();
    }

    @Override
    public java.util.Optional<String> traceNote() {
        return network.bridged() ? java.util.Optional.of("a LAN reached the host or another sim process (hostfwd or a"
                + " socket LAN): this run is not reproducible from its seed") : java.util.Optional.empty();
    }

    @Override
    public java.util.Optional<SystemView> view() {
        return machines.get(FIRST).view();
    }

    @Override
    public long traceTotal() {
        return machines.get(FIRST).traceTotal();
    }

    @Override
    public void close() {
        network.forwards().close(); // no new host connections while the machines go down
        machines.values().forEach(SimSession::close);
        if (world != null) {
            world.close();
        }
        try {
            network.close();
        } catch (java.io.IOException e) {
            System.err.println("sim: could not finish the network capture: " + e.getMessage());
        }
    }
}
