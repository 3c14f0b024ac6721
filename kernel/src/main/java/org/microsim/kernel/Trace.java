package org.microsim.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.microsim.abi.TaskId;

/**
 * The record of every kernel event, and a fingerprint of the whole run: a 64-bit hash folded over each
 * event's time, task, kind and detail in order. Two runs with the same seed, scenario and build have the
 * same fingerprint; the first differing event is where to look when they do not.
 *
 * <p>Keeping events costs memory, so at most {@code limit} are kept (the fingerprint always covers all).
 * With tracing off (benchmarks) nothing is recorded and callers skip building the detail strings.
 */
public final class Trace {
    private final boolean enabled;
    private final int limit;
    private final List<TraceEvent> events = new ArrayList<>();
    private long fingerprint = 0xcbf29ce484222325L;
    private long count;

    Trace(boolean enabled, int limit) {
        this.enabled = enabled;
        this.limit = limit;
    }

    /** False when the kernel runs without a trace: callers then skip building details. */
    public boolean enabled() {
        return enabled;
    }

    synchronized void record(long time, TaskId task, String taskName, TraceEvent.Kind kind, String detail,
                             long flow) {
        if (!enabled) {
            return;
        }
        count++;
        fingerprint = mix(fingerprint, time);
        fingerprint = mix(fingerprint, task.pack());
        fingerprint = mix(fingerprint, kind.ordinal());
        fingerprint = mix(fingerprint, detail.hashCode());
        fingerprint = mix(fingerprint, flow);
        TraceEvent event = new TraceEvent(time, task, taskName, kind, detail, flow);
        if (events.size() < limit) {
            events.add(event);
        }
    }

    /** The hash of every event so far. */
    public synchronized long fingerprint() {
        return fingerprint;
    }

    /** How many events were recorded (including those past the keep limit). */
    public synchronized long count() {
        return count;
    }

    /** The kept events, oldest first. */
    public synchronized List<TraceEvent> events() {
        return Collections.unmodifiableList(new ArrayList<>(events));
    }

    /** True when more events happened than were kept. */
    public synchronized boolean truncated() {
        return count > events.size();
    }

    private static long mix(long h, long v) {
        long x = (h ^ v) * 0x100000001b3L;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        return x ^ (x >>> 29);
    }
}
