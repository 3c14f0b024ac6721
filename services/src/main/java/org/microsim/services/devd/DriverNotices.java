package org.microsim.services.devd;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.microsim.abi.PortClass;

/**
 * Who gets told that a driver is available (msg id 100), after the seed's service-integration note: services
 * subscribe to a class of driver port; when such a port is ready every current subscriber of its class is
 * told. When nobody has subscribed to the class yet, the notice waits in the class's mailbox and is delivered
 * exactly once, to the subscribers present when the first one arrives; it is dropped if the port goes away
 * before that, so nobody is sent to a port that no longer exists.
 */
final class DriverNotices {
    /** Tell {@code subscriber} that the driver port {@code portId} is available. */
    public record Notice(String subscriber, long portId) {
    }

    private final Map<PortClass, Set<String>> subscribers = new EnumMap<>(PortClass.class);
    private final Map<PortClass, Set<Long>> mailboxes = new EnumMap<>(PortClass.class);

    /** A driver port of class {@code portClass} is ready: the notices to send now (none if it is stored). */
    public List<Notice> available(PortClass portClass, long portId) {
        Set<String> subs = subscribers.getOrDefault(portClass, Set.of());
        if (subs.isEmpty()) {
            mailboxes.computeIfAbsent(portClass, k -> new LinkedHashSet<>()).add(portId);
            return List.of();
        }
        return subs.stream().map(s -> new Notice(s, portId)).toList();
    }

    /** Subscribes; returns the stored notices of the class, now delivered and forgotten. */
    public List<Notice> subscribe(String subscriber, PortClass portClass) {
        subscribers.computeIfAbsent(portClass, k -> new TreeSet<>()).add(subscriber);
        Set<Long> stored = mailboxes.remove(portClass);
        List<Notice> out = new ArrayList<>();
        if (stored != null) {
            stored.forEach(id -> out.add(new Notice(subscriber, id)));
        }
        return out;
    }

    /** Forgets a subscriber (its task is gone) in every class. */
    public void unsubscribe(String subscriber) {
        subscribers.values().forEach(s -> s.remove(subscriber));
    }

    /** Forgets a stored notice for a port that went away. */
    public void portGone(long portId) {
        mailboxes.values().forEach(m -> m.remove(portId));
    }

    /** The stored notices of a class, oldest first. */
    public List<Long> stored(PortClass portClass) {
        return List.copyOf(mailboxes.getOrDefault(portClass, Set.of()));
    }
}
