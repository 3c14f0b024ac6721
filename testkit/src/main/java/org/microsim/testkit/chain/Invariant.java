package org.microsim.testkit.chain;

import org.microsim.harness.script.Lexer;
import java.util.Optional;
import java.util.function.Function;
import org.microsim.testkit.assertions.FsOracle;
import org.microsim.testkit.assertions.TraceAssert;

/**
 * What must hold after every action of a chain, by name: empty when it holds, else why not. A failure prints the
 * name, the reason and the chain as a replayable scenario ({@link Chains#run}).
 *
 * @param name what the invariant says, for the failure
 * @param check empty when it holds
 */
public record Invariant(String name, Function<MachineState, Optional<String>> check) {
    /** Every change the machine acknowledged is on its file systems ({@link FsOracle}). */
    public static Invariant acknowledgedFilesSurvive() {
        return new Invariant("acknowledged files survive", s -> s.files().check(s.machine()));
    }

    /**
     * {@code fsck.fat -n} finds the volume on {@code device} clean ({@link FsOracle#fsck}) whenever the device is there
     * ({@code stat /dev/DEVICE}: a driver below it that crashed too often is given up on, and the device with it);
     * skipped without dosfstools (failing under {@code CI=true}).
     */
    public static Invariant fsckClean(String device) {
        return of("fsck.fat -n finds " + device + " clean", s -> {
            if (!s.machine().command("stat " + Lexer.word("/dev/" + device)).ok()) {
                return;
            }
            try {
                FsOracle.fsck(s.machine(), device);
            } catch (java.io.IOException e) {
                throw new AssertionError("fsck.fat could not run: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while fsck.fat ran", e);
            }
        });
    }

    /** Every call in the trace so far ended ({@link TraceAssert#everyCallAnswered()}). */
    public static Invariant everyCallAnswered() {
        return of("every call answered", s -> TraceAssert.assertThat(s.machine()).everyCallAnswered());
    }

    /**
     * {@code invariant}, judged only while the {@code fault} command lists no fault as active: while a task hangs its
     * callers time out, and while a disk error is armed the next command on the disk fails, which is what those
     * faults are for and not a broken invariant. A spent disk error, a cleared hang and a crashed hung task are over,
     * so what the machine does after them is judged; a chain should have ways out of its faults ({@link
     * Faults#hangs}, {@link Faults#crashes}) or it judges nothing.
     */
    public static Invariant onceFaultsAreOver(Invariant invariant) {
        return new Invariant(invariant.name() + " (once faults are over)", s -> s.machine().command("fault").output()
                .equals("no faults") ? invariant.check().apply(s) : Optional.empty());
    }

    /** An invariant from a check that throws {@link AssertionError} when it does not hold. */
    public static Invariant of(String name, java.util.function.Consumer<MachineState> assertion) {
        return new Invariant(name, s -> {
            try {
                assertion.accept(s);
                return Optional.empty();
            } catch (AssertionError e) {
                return Optional.of(e.getMessage());
            }
        });
    }
}
