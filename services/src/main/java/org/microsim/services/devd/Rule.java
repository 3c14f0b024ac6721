package org.microsim.services.devd;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;

/**
 * One devd rule: conditions on a port's structured fields and the driver they select. Every condition is
 * optional; a rule with none matches every port. {@link #toString} is the rule's canonical text, which
 * {@link RuleParser} reads back to an equal rule.
 *
 * @param portClass   the port's class, or null for any
 * @param subclasses  the subclasses accepted (one of), empty for any; only with a class
 * @param parentClass the class of the port's parent, or null for any (a port whose parent is not registered
 *                    has no parent class and fails this condition)
 * @param caps        capability bits the port must all have
 * @param vendor      the vendor id, or -1 for any
 * @param device      the device id, or -1 for any
 * @param driver      the program to start, or null for {@code none}: the port is deliberately left without one
 */
public record Rule(PortClass portClass, SortedSet<Integer> subclasses, PortClass parentClass, int caps, int vendor,
                   int device, String driver) {
    /** The word that names "no driver". */
    public static final String NONE = "none";

    /** Copies the subclass set. */
    public Rule {
        subclasses = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(subclasses));
        if (!subclasses.isEmpty() && portClass == null) {
            throw new IllegalArgumentException("a subclass condition needs a class");
        }
    }

    /**
     * True when this rule accepts {@code port}.
     *
     * @param parentClass the class of the port's parent, or null when the parent is not registered
     */
    public boolean matches(PortInfo port, PortClass parentClass) {
        return (portClass == null || port.portClass() == portClass)
                && (subclasses.isEmpty() || subclasses.contains(port.subclass()))
                && (this.parentClass == null || this.parentClass == parentClass)
                && port.hasCaps(caps)
                && (vendor < 0 || port.vendorId() == vendor)
                && (device < 0 || port.deviceId() == device);
    }

    /** True for a {@code none} rule. */
    public boolean isNone() {
        return driver == null;
    }

    @Override
    public String toString() {
        List<String> words = new ArrayList<>(List.of("match"));
        if (portClass != null) {
            words.add("class=" + SubclassNames.className(portClass));
        }
        if (!subclasses.isEmpty()) {
            words.add("subclass=" + String.join("|",
                    subclasses.stream().map(s -> SubclassNames.word(portClass, s)).toList()));
        }
        if (parentClass != null) {
            words.add("parent=" + SubclassNames.className(parentClass));
        }
        if (caps != 0) {
            words.add("caps=" + PortCaps.describe(caps));
        }
        if (vendor >= 0) {
            words.add(String.format("vendor=0x%04x", vendor));
        }
        if (device >= 0) {
            words.add(String.format("device=0x%04x", device));
        }
        words.add("->");
        words.add(Objects.requireNonNullElse(driver, NONE));
        return String.join(" ", words);
    }
}
