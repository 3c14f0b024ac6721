package org.microsim.harness.check;

/**
 * A broken invariant: which one, and one line saying how.
 *
 * @param invariant the invariant that did not hold
 * @param detail what was seen, for the report
 */
public record Violation(Invariant invariant, String detail) {
    @Override
    public String toString() {
        return invariant.label() + ": " + detail;
    }
}
