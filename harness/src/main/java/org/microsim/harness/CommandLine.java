package org.microsim.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.microsim.harness.script.Text;
import org.microsim.harness.web.WebAddress;

/**
 * The grammar of {@code sim}'s command line, as one table from which both the parser and {@code --help} are
 * made, so the two cannot disagree.
 *
 * <pre>
 *   sim [OPTIONS] [COMMAND [OPERANDS]] [OPTIONS]
 *         |           |
 *         |           +-- run FILE|- [--until TIME], console [--no-boot], boot, check [SCENARIO] [--seeds ...],
 *         |               trace diff A B, bench [NAME [ARGS...]]
 *         +-- the machine options (--drive, --nic, --seed ...) and -h/--help, -V/--version:
 *             before or after the command, as {@code --name value} or {@code --name=value}
 * </pre>
 *
 * <p>Why not picocli, which did this before: a whole {@code sim run} of a one-disk boot is about 0.3 s, and
 * picocli took about 0.16 s more on top of it. Its classes are Java 5 class files, which the JVM's start-up
 * cache ({@code ./sim}'s AOT cache) cannot keep, and it builds its model by reflection over annotations in
 * cold, interpreted code at every start. Even compiled afresh for Java 21 it cost 0.1 s. The grammar here is
 * small (seven commands, two dozen options), so a table and a loop do the job in a few hundred lines.
 *
 * <p>The rules a user of GNU-style tools expects: {@code --} ends the options; a repeated option appends
 * (repeatable ones) or the last one wins; an option with an optional value ({@code --nic}) takes the next word
 * only when it is {@code key=value} words, so {@code --nic run x.scn} is a NIC and then the command ({@code --web}:
 * only when it is {@code [HOST:]PORT}).
 */
final class CommandLine {
    /** How an option takes a value. */
    enum Takes { NOTHING, A_VALUE, AN_OPTIONAL_VALUE }

    /** One option: its names (the last is the long one), the label of its value and one sentence of help. */
    record Option(List<String> names, Takes takes, String label, String description) {
        static Option flag(String description, String... names) {
            return new Option(List.of(names), Takes.NOTHING, "", description);
        }

        static Option value(String name, String label, String description) {
            return new Option(List.of(name), Takes.A_VALUE, label, description);
        }

        String longName() {
            return names.getLast();
        }
    }

    /** A command: its name, its operands' label, how many it takes, its own options and its help. */
    record Command(String name, String operands, int minOperands, int maxOperands, List<Option> options,
            List<String> description) {
        String qualifiedName() {
            return name.equals(SIM.name) ? name : SIM.name + " " + name;
        }
    }

    static final Option HELP = Option.flag("Show this help and exit.", "-h", "--help");
    static final Option VERSION = Option.flag("Print the version and exit.", "-V", "--version");
    static final Option NO_BOOT = Option.flag("Open the console without booting.", "--no-boot");

    static final Option DRIVE = Option.value("--drive", "file=PATH,if=ahci|usb[,bus=hub][,readonly=on][,persist=on]",
            "Attach a disk image on the AHCI controller, or as a USB stick (bus=hub: behind a USB hub). Writes stay in "
                    + "memory unless persist=on. Repeatable. Replaces the demo machine unless --demo.");
    static final Option USB = Option.flag("Give the machine the xHCI USB controller even without a USB drive, to "
            + "attach sticks while it runs (usb attach).", "--usb");
    static final Option NIC = new Option(List.of("--nic"), Takes.AN_OPTIONAL_VALUE,
            "[mac=MAC][,net=LAN|net=socket,listen=[HOST:]PORT|net=socket,connect=HOST:PORT][,model=e1000|mt7531"
                    + "[,ports=N]][,hostfwd=tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...",
            "Add an e1000 Ethernet controller on LAN 'user' (DHCP from 10.0.2.15, gateway 10.0.2.2) unless net= names "
                    + "another; net=socket joins a LAN of another sim process over TCP (4-byte length + frame, as "
                    + "QEMU's stream netdev; host I/O makes the run not reproducible from its seed: use --free); "
                    + "model=mt7531 puts a MediaTek switch of N ports (1-5, default 4) behind it; hostfwd= (repeatable, "
                    + "net=user only) forwards a TCP port of the host to a machine on the user LAN, as QEMU's: "
                    + "HOSTADDR defaults to 127.0.0.1, GUESTADDR to 10.0.2.15 (e.g. hostfwd=tcp::8080-:80; the host's "
                    + "bytes make the run not reproducible from its seed: --free is the natural mode). Repeatable. "
                    + "Replaces the demo machine unless --demo.");
    static final Option DEMO = Option.flag("Keep the demo machine's disks, USB stick and NIC and add the --drive "
            + "and --nic ones after them (without it, any --drive or --nic replaces the whole demo machine).", "--demo");
    static final Option SEED = Option.value("--seed", "N",
            "Seed of the scheduler and of every random choice (default: 1).");
    static final Option FREE = Option.flag("Free scheduler: tasks on real threads, time following the wall clock "
            + "(default: deterministic).", "--free");
    static final Option TRACE = Option.value("--trace", "FILE",
            "Write a Chrome/Perfetto trace (JSON) at exit; open it at ui.perfetto.dev.");
    static final Option PCAP = Option.value("--pcap", "FILE", "Write every frame on every LAN to FILE (pcapng, one "
            + "interface per NIC, virtual time: the same seed writes the same file).");
    static final Option USB_PCAP = Option.value("--usb-pcap", "FILE", "Write the USB traffic to FILE (pcap, usbmon "
            + "format, virtual time), for Wireshark down to the SCSI commands. Gives the machine the USB controller.");
    static final Option DEBUG = Option.flag("Show stack traces of internal errors.", "--debug");
    static final Option WEB = new Option(List.of("--web"), Takes.AN_OPTIONAL_VALUE, "[HOST:]PORT", "Serve a live "
            + "view of the machine (device tree, services, tasks, messages, timeline, buttons that run console "
            + "commands) at http://127.0.0.1:8080/ unless HOST:PORT or PORT says otherwise; only an address asked "
            + "for makes it reachable from other hosts.");
    static final Option HOLD = Option.flag("With --web: keep serving after the scenario or boot ends, until Ctrl-C.",
            "--hold");
    static final Option UNTIL = Option.value("--until", "TIME", "Stop the scenario when the virtual clock reaches "
            + "TIME (such as 2.5s; a sleep is cut to end there, another command runs to its end) and open the "
            + "console on the same machine, as rr's replay does.");

    static final Option SEEDS = Option.value("--seeds", "FIRST..LAST", "The seeds to run (default 1..100; N alone "
            + "is one seed).");
    static final Option SWARM = Option.flag("Swarm testing: each seed also picks which fault kinds are on, from all "
            + "of them (disk-corrupt included).", "--swarm");
    static final Option FAULTS = Option.value("--faults", "KIND,...", "The fault kinds a seed may draw (none for "
            + "no faults): crash, restart, usb, link, lan, disk-io, disk-timeout, disk-corrupt, hang, slow, irq. "
            + "Default: all but disk-corrupt, which may damage data by design (a corrupt read of metadata that "
            + "fatfsd writes back), so a run that draws it is not held to acknowledged-not-lost and fsck-clean; "
            + "what they would say is printed as a note. Into a SCENARIO only crash, restart, usb, link and lan "
            + "are drawn unless named: the others make commands fail or take longer, which its expects cannot know.");
    static final Option TIME_BUDGET = Option.value("--time-budget", "DURATION", "Start no seed after this much "
            + "wall time (such as 10m); runs in progress finish.");
    static final Option SHARD = Option.value("--shard", "K/N", "Run shard K of N (1 <= K <= N): the seeds whose "
            + "offset from the first is K-1 modulo N. N alone takes K from JOB_COMPLETION_INDEX or "
            + "SLURM_ARRAY_TASK_ID (counted from 0).");
    static final Option JUNIT = Option.value("--junit", "FILE", "Write the results as JUnit XML, a test case per "
            + "seed (with --merge: the merged report).");
    static final Option JOBS = Option.value("--jobs", "N", "Run N seeds at once on threads of this process "
            + "(default 1).");
    static final Option OUT = Option.value("--out", "DIR", "Where the shrunk scenario of each failing seed is "
            + "written (default: a new temporary directory, printed).");
    static final Option SHRINK_RUNS = Option.value("--shrink-runs", "N", "How many runs shrinking a failure may "
            + "take (default 200; 0 writes the failing scenario unshrunk).");
    static final Option MERGE = Option.value("--merge", "DIR", "Merge the JUnit reports of a campaign's shards in "
            + "DIR (*.xml) into one summary, and into --junit FILE if given; runs nothing.");

    /** The options of {@code sim check}, handed to the {@link CheckTool} by long name. */
    static final List<Option> CHECK = List.of(SEEDS, SWARM, FAULTS, TIME_BUDGET, SHARD, JUNIT, JOBS, OUT, SHRINK_RUNS, MERGE);

    /** The machine options: every command that runs a machine of the user's takes them, before or after its name. */
    static final List<Option> MACHINE = List.of(DRIVE, USB, NIC, DEMO, SEED, FREE, TRACE, PCAP, USB_PCAP,
            DEBUG, WEB, HOLD);

    static final Command SIM = new Command("sim", "", 0, 0, List.of(), List.of(
            "A microkernel operating system, simulated on the JVM with its hardware.",
            "With no command: boot the built-in demo machine and open the console."));

    static final List<Command> COMMANDS = List.of(
            new Command("run", "FILE|-", 1, 1, List.of(UNTIL), List.of("Run a scenario file (- reads standard input).",
                    "Exit code 0 when every expectation holds, 1 when one fails, 2 on bad input.")),
            new Command("console", "", 0, 0, List.of(NO_BOOT), List.of("Boot the machine and open the interactive "
                    + "console, as sim alone does (help lists the commands; Ctrl-D ends).",
                    "With --no-boot the console opens before boot, to attach drives first.")),
            new Command("boot", "", 0, 0, List.of(),
                    List.of("Boot the machine, print what happened, and exit (1 if the boot failed).")),
            new Command("check", "[SCENARIO|demo]", 0, 1, CHECK, List.of("Run a scenario, or the built-in suite demo "
                    + "(the default: the demo machine with a file workload), under many seeds with random faults, and "
                    + "check the invariants after each run (services-back, acknowledged-not-lost, fsck-clean, no-hang).",
                    "Each failing seed is shrunk and written as a scenario: reproduce with: sim run --seed N FILE. "
                            + "Exit code 0 when every seed passed, 1 when one failed, 2 on bad input.")),
            new Command("trace", "diff A.json B.json", 3, 3, List.of(), List.of("Compare two --trace files and "
                    + "show the first event where the runs diverge, with the events before it.",
                    "Exit code 0 when they are the same, 1 when they differ, 2 when one cannot be read.")),
            new Command("bench", "[NAME [ARGS...]]", 0, Integer.MAX_VALUE, List.of(),
                    List.of("Run a benchmark by name; with no name, list them.",
                            "The words after the name are the benchmark's arguments.")));

    private static final List<String> FOOTER = List.of("",
            "Exit codes: 0 success; 1 a scenario expectation failed; 2 bad input or options.",
            "Scenario language: run `help` in the console.");

    /** A command line that cannot be run: the message, and the command whose {@code --help} to suggest. */
    static final class BadCommandLine extends Exception {
        private final transient Command command;

        BadCommandLine(Command command, String message) {
            super(message, null, false, false);
            this.command = command;
        }

        Command command() {
            return command;
        }
    }

    /** What a command line says: the command, the values given to each option (by long name), the operands. */
    record Parsed(Command command, Map<String, List<String>> values, List<String> operands) {
        boolean has(Option option) {
            return values.containsKey(option.longName());
        }

        /** Every value of a repeatable option, in order. */
        List<String> all(Option option) {
            return values.getOrDefault(option.longName(), List.of());
        }

        /** The last value of an option (the last one given wins). */
        Optional<String> last(Option option) {
            List<String> given = all(option);
            return given.isEmpty() ? Optional.empty() : Optional.of(given.getLast());
        }
    }

    private CommandLine() {
    }

    /** Parses {@code args}. */
    static Parsed parse(String... args) throws BadCommandLine {
        Command command = SIM;
        Map<String, List<String>> values = new LinkedHashMap<>();
        List<String> operands = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.length; i++) {
            String word = args[i];
            if (!optionsEnded && word.equals("--")) {
                optionsEnded = true;
            } else if (!optionsEnded && word.startsWith("-") && word.length() > 1) {
                int eq = word.indexOf('=');
                String name = eq < 0 ? word : word.substring(0, eq);
                Command current = command;
                Option option = find(command, name).orElseThrow(
                        () -> new BadCommandLine(current, "unknown option '" + name + "'"));
                String value = "";
                if (eq >= 0) {
                    if (option.takes() == Takes.NOTHING) {
                        throw new BadCommandLine(command, option.longName() + " takes no value");
                    }
                    value = word.substring(eq + 1);
                } else if (option.takes() == Takes.A_VALUE) {
                    if (i + 1 >= args.length) {
                        throw new BadCommandLine(command, option.longName() + " needs a value (" + option.label()
                                + ")");
                    }
                    value = args[++i];
                } else if (option.takes() == Takes.AN_OPTIONAL_VALUE && i + 1 < args.length
                        && (option == WEB ? WebAddress.looksLikeOne(args[i + 1])
                                : args[i + 1].contains("=") && !args[i + 1].startsWith("-"))) {
                    value = args[++i];
                }
                values.computeIfAbsent(option.longName(), k -> new ArrayList<>()).add(value);
            } else if (command == SIM) {
                command = command(word).orElseThrow(() -> new BadCommandLine(SIM, "unknown command '" + word
                        + "' (commands: " + String.join(", ", COMMANDS.stream().map(Command::name).toList())
                        + ")"));
            } else {
                operands.add(word);
            }
        }
        if (values.containsKey(HELP.longName()) || values.containsKey(VERSION.longName())) {
            return new Parsed(command, values, operands);
        }
        if (operands.size() < command.minOperands()) {
            throw new BadCommandLine(command, command.name() + " needs " + command.operands());
        }
        if (operands.size() > command.maxOperands()) {
            throw new BadCommandLine(command, command.name() + " takes " + (command.maxOperands() == 0
                    ? "no operands" : "one " + command.operands()) + ", got " + String.join(" ", operands));
        }
        return new Parsed(command, values, operands);
    }

    /** The value of {@code --seed}, or 1. */
    static long seed(Parsed parsed) throws BadCommandLine {
        String seed = parsed.last(SEED).orElse("1");
        try {
            return Long.parseLong(seed);
        } catch (NumberFormatException e) {
            throw new BadCommandLine(parsed.command(), "--seed: '" + seed + "' is not a whole number");
        }
    }

    /** {@code command}'s help, its lines at most {@code width} characters where words allow. */
    static String help(Command command, int width) {
        StringBuilder out = new StringBuilder();
        out.append("Usage: ").append(command.qualifiedName()).append(" [OPTIONS]");
        out.append(command == SIM ? " [COMMAND]" : command.operands().isEmpty() ? "" : " " + command.operands());
        out.append('\n');
        command.description().forEach(paragraph -> Text.wrap(paragraph, width).forEach(l -> out.append(l).append('\n')));
        List<Option> options = new ArrayList<>(command.options());
        options.addAll(machineOptions(command));
        options.add(HELP);
        options.add(VERSION);
        out.append("\nOptions:\n");
        for (Option option : options) {
            String names = String.join(", ", option.names()) + switch (option.takes()) {
                case NOTHING -> "";
                case A_VALUE -> "=" + option.label();
                case AN_OPTIONAL_VALUE -> "[=" + option.label() + "]";
            };
            entry(out, names, option.description(), width);
        }
        if (command == SIM) {
            out.append("\nCommands:\n");
            for (Command sub : COMMANDS) {
                entry(out, sub.name() + (sub.operands().isEmpty() ? "" : " " + sub.operands()),
                        sub.description().getFirst(), width);
            }
            FOOTER.forEach(line -> out.append(line).append('\n'));
        }
        return out.toString();
    }

    /** A term and its description: side by side when the term is short, else the description under it. */
    private static void entry(StringBuilder out, String term, String description, int width) {
        int indent = 20;
        List<String> lines = Text.wrap(description, Math.max(20, width - indent));
        String first = "  " + term;
        if (first.length() < indent - 1) {
            out.append(first).append(" ".repeat(indent - first.length())).append(lines.getFirst()).append('\n');
            lines = lines.subList(1, lines.size());
        } else {
            out.append(first).append('\n');
        }
        lines.forEach(line -> out.append(" ".repeat(indent)).append(line).append('\n'));
    }

    private static Optional<Option> find(Command command, String name) {
        List<Option> all = new ArrayList<>(command.options());
        all.addAll(machineOptions(command));
        all.add(HELP);
        all.add(VERSION);
        return all.stream().filter(o -> o.names().contains(name)).findFirst();
    }

    /**
     * The machine options {@code command} takes: none but {@code --debug} for {@code check}, which runs the demo
     * machine under seeds of its own, and {@code trace}, which runs none.
     */
    private static List<Option> machineOptions(Command command) {
        return command.name().equals("check") || command.name().equals("trace") ? List.of(DEBUG) : MACHINE;
    }

    private static Optional<Command> command(String name) {
        return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
