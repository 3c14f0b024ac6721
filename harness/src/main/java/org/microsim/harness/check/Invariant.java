package org.microsim.harness.check;

/**
 * What a campaign checks after every run, each by a name that reports, JUnit files and the header of a shrunk
 * scenario carry, so a failure found on one machine is recognised as the same failure on another.
 */
public enum Invariant {
    /** After the run settles, every service the service manager knows is ready again. */
    SERVICES_BACK("services-back"),
    /** Every line the workload had acknowledged reads back after the faults and a final settle. */
    ACKNOWLEDGED_NOT_LOST("acknowledged-not-lost"),
    /** Every FAT volume the workload wrote to, copied out through {@code /dev}, passes {@code fsck.fat -n}. */
    FSCK_CLEAN("fsck-clean"),
    /**
     * Every command finished within its timeout, and once the run settled no task is blocked in a call to a port
     * that no longer exists: no call waits for a reply that cannot come.
     */
    NO_HANG("no-hang"),
    /** Every {@code expect} of the user's scenario held. */
    EXPECTATIONS("expectations"),
    /** No command ended in an internal error (an exception escaping the harness or the machine). */
    NO_INTERNAL_ERROR("no-internal-error");

    private final String label;

    Invariant(String label) {
        this.label = label;
    }

    /** The name reports use, such as {@code acknowledged-not-lost}. */
    public String label() {
        return label;
    }

    /** The invariant a label names, if any. */
    static java.util.Optional<Invariant> byLabel(String label) {
        for (Invariant invariant : values()) {
            if (invariant.label.equals(label)) {
                return java.util.Optional.of(invariant);
            }
        }
        return java.util.Optional.empty();
    }
}
