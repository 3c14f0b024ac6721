package org.microsim.services.svcman;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Names reserved for services (seed "Dynamic Driver Loading and Implicit Ordering"): which service provides
 * which name, and which names have openers waiting, each wait identified by a token so its timeout timer can
 * tell whether it still matters.
 */
final class NameReservations {
    private final Map<String, String> owners = new HashMap<>();
    private final Map<String, Long> waiting = new TreeMap<>();
    private long nextToken;

    String owner(String name) {
        return owners.get(name);
    }

    /** The first of {@code names} reserved already, or null. */
    String firstTaken(List<String> names) {
        return names.stream().filter(owners::containsKey).findFirst().orElse(null);
    }

    void reserve(List<String> names, String owner) {
        names.forEach(n -> owners.put(n, owner));
    }

    /** Frees every name {@code owner} reserved; its waits must have been ended first. */
    void release(String owner) {
        owners.values().removeIf(owner::equals);
    }

    /** Records a wait on {@code name}; returns its token, or -1 when somebody is waiting already. */
    long startWaiting(String name) {
        if (waiting.containsKey(name)) {
            return -1;
        }
        long token = nextToken++;
        waiting.put(name, token);
        return token;
    }

    /** Ends the wait on {@code name} if it is the one with {@code token}; true when it was. */
    boolean endWait(String name, long token) {
        return waiting.remove(name, token);
    }

    void endWait(String name) {
        waiting.remove(name);
    }

    /** Ends and returns every wait on names owned by {@code owner}, sorted. */
    List<String> endWaitsOf(String owner) {
        List<String> names = waiting.keySet().stream().filter(n -> owner.equals(owners.get(n))).toList();
        names.forEach(waiting::remove);
        return names;
    }
}
