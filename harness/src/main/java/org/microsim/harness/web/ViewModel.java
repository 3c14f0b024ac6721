package org.microsim.harness.web;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortInfo;
import org.microsim.abi.devd.LsdevEntry;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.TraceEvent;
import org.microsim.services.devd.Lsdev;

/**
 * What the page knows, as one flat map from key to a JSON object: {@code task/3}, {@code dev/ahci0:disk0},
 * {@code svc/vfs}, {@code msg/1234} (one of the last messages), {@code ev/5678} (one timeline event, by its place
 * in the trace) and {@code clock}. Flat, so that the feed is the same two operations for everything, and so a
 * model rebuilt from the feed can be compared with one made from the machine key by key.
 *
 * <pre>
 *   SystemView ──of──▶ ViewModel ──diff(next)──▶ "+KEY JSON" / "-KEY" lines ──SSE──▶ page: apply
 *                                                                            └──────▶ test: apply, compare
 * </pre>
 *
 * <p>A device's state is its driver service's state in the service manager's view when there is one (devd's
 * own copy is refreshed only when someone runs {@code lsdev}); the timeline is every trace event but the
 * message, interrupt and log traffic (boot steps, crashes, kills, ports coming and going, and any kind added
 * later, such as injected faults), its last {@value #TIMELINE} events.
 */
record ViewModel(SortedMap<String, String> entities) {
    /** How many timeline events the page keeps. */
    static final int TIMELINE = 400;
    private static final Set<TraceEvent.Kind> TRAFFIC = Set.of(TraceEvent.Kind.SEND, TraceEvent.Kind.RECEIVE,
            TraceEvent.Kind.CALL, TraceEvent.Kind.REPLY, TraceEvent.Kind.TIMEOUT, TraceEvent.Kind.IRQ,
            TraceEvent.Kind.LOG);

    /** Keeps an unmodifiable copy. */
    ViewModel {
        entities = Collections.unmodifiableSortedMap(new TreeMap<>(entities));
    }

    /** The page of a machine not booted yet. */
    static final ViewModel EMPTY = new ViewModel(new TreeMap<>());

    /** The model of what the view shows. */
    static ViewModel of(SystemView view) {
        SortedMap<String, String> out = new TreeMap<>();
        out.put("clock", Json.object("now", view.now()));
        Map<String, String> liveTask = new HashMap<>();
        for (TaskInfo t : view.tasks()) {
            out.put("task/" + t.id().index(), Json.object("id", t.id().toString(), "name", t.name(),
                    "program", t.program(), "state", t.state().label(), "detail", t.detail()));
            if (t.state().alive()) {
                liveTask.put(t.name(), t.id().toString());
            }
        }
        Map<String, ServiceStatus> services = new HashMap<>();
        for (ServiceStatus s : view.services()) {
            services.put(s.name(), s);
            out.put("svc/" + s.name(), Json.object("name", s.name(), "state", s.state().word(),
                    "restarts", s.restarts(), "deps", s.deps(), "detail", s.detail(),
                    "task", liveTask.getOrDefault(s.name(), "")));
        }
        List<String> parents = new ArrayList<>();
        for (LsdevEntry e : view.devices()) {
            parents.subList(Math.min(e.depth(), parents.size()), parents.size()).clear();
            PortInfo p = e.info();
            boolean driven = !e.driver().equals("-") && !e.driver().equals("none");
            String service = driven ? e.driver() + "@" + p.name() : "";
            ServiceStatus status = services.get(service);
            out.put("dev/" + p.name(), Json.object("name", p.name(),
                    "parent", parents.isEmpty() ? p.parent() : parents.getLast(), "class", Lsdev.className(p),
                    "subclass", Lsdev.subclassName(p), "vendor", String.format("%04x", p.vendorId()),
                    "device", String.format("%04x", p.deviceId()), "caps", PortCaps.describe(p.caps()),
                    "driver", e.driver(), "service", service,
                    "state", status == null ? e.state() : status.state().word()));
            parents.add(p.name());
        }
        for (Messages.Message m : Messages.last(view.trace())) {
            out.put("msg/" + m.flow(), m.json());
        }
        int kept = 0;
        List<TraceEvent> trace = view.trace();
        for (int i = trace.size() - 1; i >= 0 && kept < TIMELINE; i--) {
            TraceEvent e = trace.get(i);
            if (!TRAFFIC.contains(e.kind())) {
                out.put("ev/" + i, Json.object("at", e.time(), "task", e.taskName(), "kind", e.kind().name(),
                        "detail", e.detail()));
                kept++;
            }
        }
        return new ViewModel(out);
    }

    /** The feed's lines that turn this model into {@code next}: {@code +KEY JSON} for a new or changed entity, {@code -KEY} for a gone one. */
    List<String> diff(ViewModel next) {
        List<String> lines = new ArrayList<>();
        next.entities.forEach((key, json) -> {
            if (!json.equals(entities.get(key))) {
                lines.add("+" + encode(key) + " " + json);
            }
        });
        entities.keySet().stream().filter(key -> !next.entities.containsKey(key)).forEach(key -> lines.add("-" + encode(key)));
        return lines;
    }

    /**
     * This model with the feed's lines applied, as the page applies them.
     *
     * @throws IllegalArgumentException for a line that is not one of the two forms
     */
    ViewModel apply(List<String> lines) {
        SortedMap<String, String> out = new TreeMap<>(entities);
        for (String line : lines) {
            int space = line.indexOf(' ');
            if (line.isEmpty()) {
                continue; // an update at a quiet point where nothing changed
            } else if (line.startsWith("+") && space > 1) {
                out.put(decode(line.substring(1, space)), line.substring(space + 1));
            } else if (line.startsWith("-") && line.length() > 1) {
                out.remove(decode(line.substring(1)));
            } else {
                throw new IllegalArgumentException("not a line of the feed: " + line);
            }
        }
        return new ViewModel(out);
    }

    /** A key as one word of the feed, as JavaScript's encodeURIComponent writes it (names may hold spaces). */
    private static String encode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String word) {
        return URLDecoder.decode(word, StandardCharsets.UTF_8);
    }
}
