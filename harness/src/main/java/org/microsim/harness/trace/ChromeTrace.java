package org.microsim.harness.trace;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.microsim.abi.TaskId;
import org.microsim.kernel.TraceEvent;

/**
 * Writes kernel trace events in the Chrome trace event format, the JSON that Perfetto's UI
 * (ui.perfetto.dev) and chrome://tracing open.
 *
 * <p>Each machine is one process ({@code pid} 1, 2, ... in the session's order, named by a {@code process_name}
 * metadata event: {@code microsim} alone, {@code microsim NAME} when a session holds several); each task (each incarnation: a restarted service is a new {@link TaskId}
 * generation and gets its own track) is one thread, named {@code "NAME (INDEX.GENERATION)"} by a
 * {@code thread_name} metadata event and ordered by task id. Timestamps are virtual time in microseconds,
 * with the nanoseconds as an exact decimal fraction, so nothing is rounded.
 *
 * <p>An event that is not part of a message's journey is an instant on its task's track. An event with a
 * non-zero {@code flow} is a one-nanosecond slice (the viewers draw arrows only between slices) followed by
 * a flow event on the same track and timestamp: the first event of a flow id starts the arrow
 * ({@code "ph":"s"}), the last ends it ({@code "ph":"f"}, bound to the enclosing slice), any between are
 * steps ({@code "ph":"t"}). So a send points at its receive and a call at its reply, whatever the kernel
 * records in between. A flow id seen once draws no arrow.
 *
 * <p>The file has one event per line, in the order given, which keeps traces of the same seed diffable.
 *
 * <p>The kernel keeps a bounded number of events. When more happened than were kept, the file ends with a
 * global instant named {@value #TRUNCATED} at the last kept event's time, saying how many of how many it
 * holds: a viewer then shows where the record stops instead of a run that seems to end early. Each machine's
 * kernel keeps its own bounded record, so each process is marked on its own.
 */
public final class ChromeTrace {
    private static final String SLICE_DURATION = "0.001";
    private static final String FLOW_NAME = "message";
    private static final String FLOW_CATEGORY = "flow";
    private static final int MACHINE_FLOW_SHIFT = 48;
    /** The name of the event that marks a trace missing its later events. */
    public static final String TRUNCATED = "trace truncated";
    /** The name of the event that says a run reached outside the simulation. */
    public static final String NOT_REPRODUCIBLE = "not reproducible";

    private ChromeTrace() {
    }

    /**
     * One machine's part of a trace.
     *
     * @param name the process name the viewers show
     * @param events the events its kernel kept, in order
     * @param total how many events happened: more than {@code events.size()} marks this machine's record truncated
     */
    public record Machine(String name, List<TraceEvent> events, long total) {
        /** Keeps its own copy of the list. */
        public Machine {
            events = List.copyOf(events);
        }
    }

    /**
     * Writes several machines' events to a file (UTF-8), replacing it; {@code note} (null for none) as in
     * {@link #write(List, long, String, Path)}.
     */
    public static void write(List<Machine> machines, String note, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(machines, note, out);
        }
    }

    /**
     * Writes the events to a file (UTF-8), replacing it.
     *
     * @param total how many events happened: more than {@code events.size()} marks the file truncated
     */
    public static void write(List<TraceEvent> events, long total, Path file) throws IOException {
        write(events, total, null, file);
    }

    /**
     * The same, with {@code note} (null for none) as a global instant at time 0 named {@value #NOT_REPRODUCIBLE}:
     * what makes this run not the one its seed gives.
     */
    public static void write(List<TraceEvent> events, long total, String note, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(events, total, note, out);
        }
    }

    /** Writes the events as one JSON object, all of what happened. */
    public static void write(List<TraceEvent> events, Writer out) throws IOException {
        write(events, events.size(), out);
    }

    /** Writes the events as one JSON object, marked truncated when {@code total} is more than they are. */
    public static void write(List<TraceEvent> events, long total, Writer out) throws IOException {
        write(events, total, null, out);
    }

    private static void write(List<TraceEvent> events, long total, String note, Writer out) throws IOException {
        write(List.of(new Machine("microsim", events, total)), note, out);
    }

    private static void write(List<Machine> machines, String note, Writer out) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < machines.size(); i++) {
            process(machines.get(i), i + 1, lines);
        }
        if (note != null) {
            lines.add("{\"ph\":\"i\",\"s\":\"g\",\"pid\":1,\"tid\":0,\"ts\":0,\"name\":\""
                    + NOT_REPRODUCIBLE + "\",\"cat\":\"trace\",\"args\":{\"why\":" + JsonText.quote(note) + "}}");
        }
        out.write("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
        out.write(String.join(",\n", lines));
        out.write("\n]}\n");
    }

    /** One machine's lines: its process and thread names, its events, and its truncation mark. */
    private static void process(Machine machine, int pid, List<String> lines) {
        List<TraceEvent> events = machine.events();
        long total = machine.total();
        Map<TaskId, Integer> tids = tracks(events);
        lines.add(metadata(pid, 0, "process_name", "name", JsonText.quote(machine.name())));
        lines.add(metadata(pid, 0, "process_sort_index", "sort_index", Integer.toString(pid)));
        Map<TaskId, String> names = new HashMap<>();
        for (TraceEvent event : events) {
            names.putIfAbsent(task(event), event.taskName() == null ? "task" : event.taskName());
        }
        tids.forEach((task, tid) -> {
            lines.add(metadata(pid, tid, "thread_name", "name", JsonText.quote(names.get(task) + " (" + task + ")")));
            lines.add(metadata(pid, tid, "thread_sort_index", "sort_index", Integer.toString(tid)));
        });
        Map<Long, int[]> flows = flowPositions(events);
        for (int i = 0; i < events.size(); i++) {
            TraceEvent event = events.get(i);
            int tid = tids.get(task(event));
            int[] flow = flows.get(event.flow());
            if (flow == null) {
                lines.add(kernelEvent(event, pid, tid, "\"ph\":\"i\",\"s\":\"t\""));
            } else {
                lines.add(kernelEvent(event, pid, tid, "\"ph\":\"X\",\"dur\":" + SLICE_DURATION));
                lines.add(flowEvent(event, pid, tid, flowPhase(i, flow)));
            }
        }
        if (total > events.size()) {
            long at = events.isEmpty() ? 0 : events.getLast().time();
            lines.add("{\"ph\":\"i\",\"s\":\"p\",\"pid\":" + pid + ",\"tid\":0,\"ts\":" + micros(at)
                    + ",\"name\":\"" + TRUNCATED + "\",\"cat\":\"trace\",\"args\":{\"kept\":" + events.size()
                    + ",\"total\":" + total + "}}");
        }
    }

    /** Starts the arrow at the flow's first event, ends it at its last (in the enclosing slice), steps between. */
    private static String flowPhase(int position, int[] firstLast) {
        if (position == firstLast[0]) {
            return "\"ph\":\"s\"";
        }
        return position == firstLast[1] ? "\"ph\":\"f\",\"bp\":\"e\"" : "\"ph\":\"t\"";
    }

    /** One tid per task incarnation, numbered from 1 in task id order. */
    private static Map<TaskId, Integer> tracks(List<TraceEvent> events) {
        Map<TaskId, Integer> tids = new TreeMap<>(
                Comparator.comparingInt(TaskId::index).thenComparingInt(TaskId::generation));
        events.forEach(event -> tids.put(task(event), 0));
        int next = 1;
        for (Map.Entry<TaskId, Integer> entry : tids.entrySet()) {
            entry.setValue(next++);
        }
        return tids;
    }

    /** For each flow id seen at least twice: the positions of its first and last events. */
    private static Map<Long, int[]> flowPositions(List<TraceEvent> events) {
        Map<Long, int[]> positions = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            long flow = events.get(i).flow();
            if (flow != 0) {
                int position = i;
                positions.computeIfAbsent(flow, f -> new int[] {position, position})[1] = i;
            }
        }
        positions.values().removeIf(firstLast -> firstLast[0] == firstLast[1]);
        return positions;
    }

    private static TaskId task(TraceEvent event) {
        return event.task() == null ? TaskId.KERNEL : event.task();
    }

    private static String metadata(int pid, int tid, String name, String key, String jsonValue) {
        return "{\"ph\":\"M\",\"pid\":" + pid + ",\"tid\":" + tid + ",\"name\":\"" + name + "\",\"args\":{\""
                + key + "\":" + jsonValue + "}}";
    }

    private static String kernelEvent(TraceEvent event, int pid, int tid, String phase) {
        String kind = event.kind() == null ? "EVENT" : event.kind().name();
        String detail = event.detail() == null ? "" : event.detail();
        String flow = event.flow() == 0 ? "" : ",\"flow\":" + event.flow();
        return "{" + phase + ",\"pid\":" + pid + ",\"tid\":" + tid + ",\"ts\":" + micros(event.time())
                + ",\"name\":\"" + kind + "\",\"cat\":\"" + category(event.kind()) + "\",\"args\":{\"detail\":"
                + JsonText.quote(detail) + flow + "}}";
    }

    private static String flowEvent(TraceEvent event, int pid, int tid, String phase) {
        // Flow ids are one kernel's counter, and the viewers bind flows across processes: each machine's ids get
        // their own range (the first machine's stay as its kernel numbered them).
        long id = ((long) (pid - 1) << MACHINE_FLOW_SHIFT) | event.flow();
        return "{" + phase + ",\"pid\":" + pid + ",\"tid\":" + tid + ",\"ts\":" + micros(event.time())
                + ",\"name\":\"" + FLOW_NAME + "\",\"cat\":\"" + FLOW_CATEGORY + "\",\"id\":" + id + "}";
    }

    /** Nanoseconds as an exact decimal number of microseconds. */
    static String micros(long nanos) {
        return BigDecimal.valueOf(nanos, 3).stripTrailingZeros().toPlainString();
    }

    private static String category(TraceEvent.Kind kind) {
        if (kind == null) {
            return "kernel";
        }
        return switch (kind) {
            case SPAWN, EXIT, CRASH, KILL -> "task";
            case SEND, RECEIVE, CALL, REPLY, TIMEOUT -> "ipc";
            case PORT_REGISTERED, PORT_REMOVED -> "port";
            case IRQ, DEVICE -> "device";
            case LOG -> "log";
            case FAULT -> "fault";
        };
    }
}
