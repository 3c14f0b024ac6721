package org.microsim.harness.session;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.microsim.harness.script.Durations;
import org.microsim.harness.script.UsageException;
import org.microsim.kernel.machine.DiskFaults;
import org.microsim.kernel.machine.Lan;

/**
 * A fault as the command language writes it, one record per kind: what {@code fault ...} lines parse into, and
 * what campaigns and property tests generate and print back ({@link #toCommand()} gives a line that
 * {@link #parse} turns into an equal record). Parsing checks every word and says what is wrong in one line; whether
 * the device, task or LAN exists is the running machine's business ({@link FaultCommands}).
 *
 * <pre>
 *   fault disk DEV error=io|timeout|corrupt [at=TIME] [count=N] [lba=FIRST-LAST]
 *   fault task TASK hang|crash|slow=DURATION [at=TIME]
 *   fault link LAN [loss=P] [delay=D] [dup=P] [reorder=P]  |  fault link LAN down|up
 *   fault usb detach [PORT|mscN:] [at=TIME]
 *   fault irq DEV drop=P
 *   fault clear [disk|task|link|usb|irq]
 * </pre>
 *
 * {@code TIME} is a virtual time since boot (a duration: {@code 2s}); a fault whose time has passed acts at once.
 */
public sealed interface Fault {
    /** The command's usage, one line per form. */
    String USAGE = """
            fault disk DEV error=io|timeout|corrupt [at=TIME] [count=N] [lba=FIRST-LAST]
            fault task TASK hang|crash|slow=DURATION [at=TIME]
            fault link LAN [loss=P] [delay=D] [dup=P] [reorder=P] | fault link LAN down|up
            fault usb detach [PORT|mscN:] [at=TIME]
            fault irq DEV drop=P
            fault clear [disk|task|link|usb|irq]""";

    /** The line that injects this fault, starting with {@code fault}. */
    String toCommand();

    /** What {@code fault clear KIND} ends. */
    enum Area {
        DISK, TASK, LINK, USB, IRQ;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A drive fails, hangs or corrupts the next {@code count} reads or writes touching blocks first..last. */
    record Disk(String device, DiskFaults.Kind error, Optional<Duration> at, int count, long firstLba, long lastLba)
            implements Fault {
        public Disk {
            if (count < 1 || firstLba < 0 || lastLba < firstLba) {
                throw new IllegalArgumentException("count is at least 1 and the LBA range FIRST-LAST is not empty");
            }
        }

        @Override
        public String toCommand() {
            return "fault disk " + device + " error=" + error.word() + atWord(at) + (count == 1 ? "" : " count=" + count)
                    + (firstLba == 0 && lastLba == Long.MAX_VALUE ? "" : " lba=" + firstLba + "-" + lastLba);
        }
    }

    /** What a task fault does. */
    enum TaskEffect { HANG, CRASH, SLOW }

    /** A task hangs, crashes, or pays {@code slow} of virtual time on every system call. */
    record Task(String task, TaskEffect effect, Duration slow, Optional<Duration> at) implements Fault {
        public Task {
            if ((effect == TaskEffect.SLOW) == (slow.isZero() || slow.isNegative())) {
                throw new IllegalArgumentException("only slow has a duration, and it is more than zero");
            }
        }

        @Override
        public String toCommand() {
            return "fault task " + task + " " + (effect == TaskEffect.SLOW ? "slow=" + Durations.word(slow)
                    : effect.name().toLowerCase(Locale.ROOT)) + atWord(at);
        }
    }

    /** A LAN's impairments; what is not given stays as it is. */
    record Link(String lan, OptionalDouble loss, Optional<Duration> delay, OptionalDouble dup,
                OptionalDouble reorder) implements Fault {
        @Override
        public String toCommand() {
            return "fault link " + lan + p("loss", loss) + delay.map(d -> " delay=" + Durations.word(d)).orElse("")
                    + p("dup", dup) + p("reorder", reorder);
        }

        private static String p(String key, OptionalDouble value) {
            return value.isPresent() ? " " + key + "=" + value.getAsDouble() : "";
        }
    }

    /** Every cable on a LAN pulled ({@code up} false), or all put back. */
    record Cable(String lan, boolean up) implements Fault {
        @Override
        public String toCommand() {
            return "fault link " + lan + (up ? " up" : " down");
        }
    }

    /** A USB stick pulled out: the one at a port or served as a block port, or the first stick when none is said. */
    record UsbDetach(Optional<String> target, Optional<Duration> at) implements Fault {
        @Override
        public String toCommand() {
            return "fault usb detach" + target.map(t -> " " + t).orElse("") + atWord(at);
        }
    }

    /** A device's interrupt line drops each interrupt with probability {@code drop} (0 mends it). */
    record Irq(String device, double drop) implements Fault {
        public Irq {
            if (!(drop >= 0 && drop <= 1)) {
                throw new IllegalArgumentException("a probability is from 0 to 1");
            }
        }

        @Override
        public String toCommand() {
            return "fault irq " + device + " drop=" + drop;
        }
    }

    /** Ends the faults of one kind, or all. */
    record Clear(Optional<Area> area) implements Fault {
        @Override
        public String toCommand() {
            return "fault clear" + area.map(a -> " " + a.word()).orElse("");
        }
    }

    /**
     * The fault the words after {@code fault} describe.
     *
     * @throws UsageException naming the word that is wrong
     */
    static Fault parse(List<String> words) throws UsageException {
        if (words.isEmpty()) {
            throw new UsageException("fault needs a kind: disk, task, link, usb, irq or clear");
        }
        List<String> rest = words.subList(1, words.size());
        return switch (words.get(0)) {
            case "disk" -> disk(rest);
            case "task" -> task(rest);
            case "link" -> link(rest);
            case "usb" -> usb(rest);
            case "irq" -> irq(rest);
            case "clear" -> clear(rest);
            default -> throw new UsageException("unknown fault kind '" + words.get(0)
                    + "' (disk, task, link, usb, irq, clear)");
        };
    }

    private static Disk disk(List<String> words) throws UsageException {
        if (words.isEmpty()) {
            throw new UsageException("fault disk needs a device, like ahci0:disk0 or msc0:");
        }
        Map<String, String> o = options(words.subList(1, words.size()), List.of("error", "at", "count", "lba"));
        String error = o.get("error");
        if (error == null) {
            throw new UsageException("fault disk needs error=io, error=timeout or error=corrupt");
        }
        DiskFaults.Kind kind = switch (error) {
            case "io" -> DiskFaults.Kind.IO;
            case "timeout" -> DiskFaults.Kind.TIMEOUT;
            case "corrupt" -> DiskFaults.Kind.CORRUPT;
            default -> throw new UsageException("'error=" + error + "': a disk error is io, timeout or corrupt");
        };
        int count = o.containsKey("count") ? (int) number("count", o.get("count"), 1, 1_000_000) : 1;
        long first = 0;
        long last = Long.MAX_VALUE;
        if (o.containsKey("lba")) {
            String[] range = o.get("lba").split("-", -1);
            if (range.length != 2) {
                throw new UsageException("'lba=" + o.get("lba") + "' is not a range FIRST-LAST, like lba=0-2047");
            }
            first = number("lba", range[0], 0, Long.MAX_VALUE);
            last = number("lba", range[1], first, Long.MAX_VALUE);
        }
        return new Disk(words.get(0), kind, time(o), count, first, last);
    }

    private static Task task(List<String> words) throws UsageException {
        if (words.size() < 2) {
            throw new UsageException("usage: fault task TASK hang|crash|slow=DURATION [at=TIME]");
        }
        String what = words.get(1);
        Optional<Duration> at = time(options(words.subList(2, words.size()), List.of("at")));
        if (what.startsWith("slow=")) {
            Duration slow = Durations.parse(what.substring(5));
            if (slow.isZero()) {
                throw new UsageException("'" + what + "': a slow task pays more than zero per call");
            }
            return new Task(words.get(0), TaskEffect.SLOW, slow, at);
        }
        return switch (what) {
            case "hang" -> new Task(words.get(0), TaskEffect.HANG, Duration.ZERO, at);
            case "crash" -> new Task(words.get(0), TaskEffect.CRASH, Duration.ZERO, at);
            default -> throw new UsageException("'" + what + "': a task fault is hang, crash or slow=DURATION");
        };
    }

    private static Fault link(List<String> words) throws UsageException {
        if (words.isEmpty()) {
            throw new UsageException("fault link needs a LAN, like user");
        }
        if (words.size() == 2 && (words.get(1).equals("down") || words.get(1).equals("up"))) {
            return new Cable(words.get(0), words.get(1).equals("up"));
        }
        Map<String, String> o = options(words.subList(1, words.size()), List.of("loss", "delay", "dup", "reorder"));
        if (o.isEmpty()) {
            throw new UsageException("fault link " + words.get(0) + " needs loss=, delay=, dup=, reorder=, or down|up");
        }
        Optional<Duration> delay = o.containsKey("delay") ? Optional.of(Durations.parse(o.get("delay")))
                : Optional.empty();
        if (delay.isPresent() && delay.get().toNanos() < Lan.MIN_DELAY_NANOS) {
            throw new UsageException("a LAN's delay is at least " + Durations.format(Lan.MIN_DELAY_NANOS));
        }
        return new Link(words.get(0), p(o, "loss"), delay, p(o, "dup"), p(o, "reorder"));
    }

    private static UsbDetach usb(List<String> words) throws UsageException {
        if (words.isEmpty() || !words.get(0).equals("detach")) {
            throw new UsageException("usage: fault usb detach [PORT|mscN:] [at=TIME]");
        }
        List<String> rest = words.subList(1, words.size());
        Optional<String> target = Optional.empty();
        if (!rest.isEmpty() && !rest.get(0).contains("=")) {
            target = Optional.of(rest.get(0));
            rest = rest.subList(1, rest.size());
        }
        return new UsbDetach(target, time(options(rest, List.of("at"))));
    }

    private static Irq irq(List<String> words) throws UsageException {
        if (words.size() != 2) {
            throw new UsageException("usage: fault irq DEV drop=P");
        }
        Map<String, String> o = options(words.subList(1, 2), List.of("drop"));
        return new Irq(words.get(0), p(o, "drop").orElseThrow());
    }

    private static Clear clear(List<String> words) throws UsageException {
        if (words.size() > 1) {
            throw new UsageException("usage: fault clear [disk|task|link|usb|irq]");
        }
        if (words.isEmpty()) {
            return new Clear(Optional.empty());
        }
        for (Area a : Area.values()) {
            if (a.word().equals(words.get(0))) {
                return new Clear(Optional.of(a));
            }
        }
        throw new UsageException("'" + words.get(0) + "': fault clear takes disk, task, link, usb or irq");
    }

    /** KEY=VALUE words, each key at most once and one of {@code keys}. */
    private static Map<String, String> options(List<String> words, List<String> keys) throws UsageException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String word : words) {
            String[] kv = word.split("=", 2);
            if (kv.length != 2 || !keys.contains(kv[0])) {
                throw new UsageException("'" + word + "' is not one of " + String.join("=, ", keys) + "=");
            }
            if (out.put(kv[0], kv[1]) != null) {
                throw new UsageException("'" + kv[0] + "=' is given twice");
            }
        }
        return out;
    }

    private static OptionalDouble p(Map<String, String> o, String key) throws UsageException {
        String value = o.get(key);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(NetCommands.probability(key + "=" + value,
                value));
    }

    private static Optional<Duration> time(Map<String, String> o) throws UsageException {
        String at = o.get("at");
        return at == null ? Optional.empty() : Optional.of(Durations.parse(at));
    }

    private static long number(String key, String text, long min, long max) throws UsageException {
        try {
            long n = Long.parseLong(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Said below.
        }
        throw new UsageException("'" + key + "=" + text + "' is not a number from " + min + " to " + max);
    }

    private static String atWord(Optional<Duration> at) {
        return at.map(t -> " at=" + Durations.word(t)).orElse("");
    }
}
