package org.microsim.services.netd;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.microsim.abi.net.NetRequest;

/**
 * What netd dropped, and why, by name ({@code ipv4: bad header}, {@code udp: no socket} ...): every frame or packet
 * it refuses is counted in exactly one of these, so nothing is lost without a trace.
 */
final class Counters {
    private final Map<String, Long> counts = new TreeMap<>();

    void add(String name) {
        counts.merge(name, 1L, Long::sum);
    }

    List<NetRequest.Counter> all() {
        return counts.entrySet().stream().map(e -> new NetRequest.Counter(e.getKey(), e.getValue())).toList();
    }
}
