package org.microsim.testkit.chain;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.microsim.testkit.action.Action;

/**
 * jqwik arbitraries of workloads, as actions: file-system workloads over given volumes (a few names per volume, so
 * that writes, appends and removals meet the same files, and a long name among them, so that VFAT entries are
 * exercised), IPC workloads (the demo programs that call and answer), and the passing of time.
 */
public final class Workloads {
    /** A few file names per volume: short and long, so that both 8.3 and long-name entries are made. */
    public static final List<String> NAMES = List.of("A.TXT", "B.TXT", "long name.txt", "notes");

    private Workloads() {
    }

    /**
     * Writes, appends, removals, directories and syncs on the given volumes ({@code /vol/ahci0:disk0p2}); the text of
     * each line is a short word, so that a file's content is easy to read in a failing scenario.
     */
    public static Arbitrary<Action> files(List<String> volumes) {
        Arbitrary<String> path = Combinators.combine(Arbitraries.of(volumes), Arbitraries.of(NAMES))
                .as((v, n) -> v + "/" + n);
        Arbitrary<String> text = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
        return Arbitraries.frequencyOf(
                Tuple.of(5, Combinators.combine(path, text).as(Action.Write::new)),
                Tuple.of(3, Combinators.combine(path, text).as(Action.Append::new)),
                Tuple.of(2, path.map(Action.Remove::new)),
                Tuple.of(1, Combinators.combine(Arbitraries.of(volumes), Arbitraries.integers().between(0, 9))
                        .as((v, n) -> (Action) new Action.Mkdir(v + "/D" + n))),
                Tuple.of(2, Arbitraries.just(new Action.Sync())));
    }

    /** IPC workloads: the echo server, and pingers that call it a few times. */
    public static Arbitrary<Action> ipc() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(new Action.Spawn("echo", List.of()))),
                Tuple.of(2, Arbitraries.integers().between(1, 5)
                        .map(n -> (Action) new Action.Spawn("pinger", List.of(Integer.toString(n))))));
    }

    /** Virtual time passing, from a few milliseconds to a few seconds. */
    public static Arbitrary<Action> time() {
        return Arbitraries.of(10, 100, 500, 2000, 5000).map(ms -> new Action.Sleep(Duration.ofMillis(ms)));
    }
}
