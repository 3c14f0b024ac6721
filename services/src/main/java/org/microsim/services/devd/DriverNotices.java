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
 * subscribe to a class of driver port, and devd remembers every driver port of each class that is available
 * now. A subscriber is told of all of them when it subscribes, and of each new one as it becomes available.
 * So a service that comes later, or comes back after a crash and subscribes anew (the VFS restarted, with every
 * mount gone), learns of every driver there is, as MINIX's data store lets a restarted server find what it
 * served: nothing is lost because a notice was delivered once to an earlier incarnation. A port that goes away
 * is forgotten, so nobody is sent to a port that no longer exists.
 */
final class DriverNotices {
    /** Tell {@code subscriber} that the driver port {@code portId} is available. */
    public record Notice(String subscriber, long portId) {
    }

    private final Map<PortClass, Set<String>> subscribers = new EnumMap<>(PortClass.class);
    /** The driver ports available now, by class, in the order they became available. */
    private final Map<PortClass, Set<Long>> available = new EnumMap<>(PortClass.class);

    /** A driver port of class {@code portClass} is ready: the notices to send to its current subscribers. */
    public List<Notice> available(PortClass portClass, long portId) {
        available.computeIfAbsent(portClass, k -> new LinkedHashSet<>()).add(portId);
        return subscribers.getOrDefault(portClass, Set.of()).stream().map(s -> new Notice(s, portId)).toList();
    }

    /** Subscribes (again, if it did before); returns a notice of every available driver port of the class. */
    public List<Notice> subscribe(String subscriber, PortClass portClass) {
        subscribers.computeIfAbsent(portClass, k -> new TreeSet<>()).add(subscriber);
        return available.getOrDefault(portClass, Set.of()).stream().map(id -> new Notice(subscriber, id)).toList();
    }

    /** Forgets a subscriber (its task is gone) in every class. */
    public void unsubscribe(String subscriber) {
        subscribers.values().forEach(s -> s.remove(subscriber));
    }

    /**
     * Forgets a driver port that went away (its driver ended, or the device was unplugged); returns its
     * subscribers, to be told when it is gone for good.
     */
    public List<Notice> portGone(long portId) {
        List<Notice> told = new ArrayList<>();
        available.forEach((portClass, ports) -> {
            if (ports.remove(portId)) {
                subscribers.getOrDefault(portClass, Set.of()).forEach(s -> told.add(new Notice(s, portId)));
            }
        });
        return told;
    }
}
