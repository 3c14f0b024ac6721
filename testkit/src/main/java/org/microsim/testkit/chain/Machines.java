package org.microsim.testkit.chain;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.microsim.testkit.Disk;
import org.microsim.testkit.SimMachine;
import org.microsim.testkit.SimMachineBuilder;

/** jqwik arbitraries of machines: seeds, and disks with random layouts and files. */
public final class Machines {
    private Machines() {
    }

    /**
     * A machine to build: its seed and its AHCI disks ({@code ahci0:disk0} first); none is the demo machine.
     *
     * @param seed the seed of the machine
     * @param disks the disks, in port order
     */
    public record Spec(long seed, List<Disk> disks) {
        public Spec {
            disks = List.copyOf(disks);
        }

        /** The builder of the machine: a test may add to it before building. */
        public SimMachineBuilder builder() {
            SimMachineBuilder b = SimMachine.builder().seed(seed);
            disks.forEach(b::disk);
            return b;
        }
    }

    /** Seeds: small ones first, as jqwik shrinks towards them. */
    public static Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(1, 1_000_000);
    }

    /**
     * A disk with a GPT or an MBR and one or two FAT16 volumes of 16 MiB, the first holding up to three small
     * files.
     */
    public static Arbitrary<Disk> disks() {
        Arbitrary<List<String>> files = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)
                .list().ofMaxSize(3);
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(1, 2), files)
                .as((gpt, volumes, names) -> {
                    Disk d = (gpt ? Disk.gpt() : Disk.mbr()).fat16Volume("ONE", 16 * Disk.MIB);
                    names.forEach(n -> d.file("/" + n + ".txt", n));
                    return volumes == 2 ? d.fat16Volume("TWO", 16 * Disk.MIB) : d;
                });
    }

    /** Machines of one or two such disks. */
    public static Arbitrary<Spec> machines() {
        return Combinators.combine(seeds(), disks().list().ofMinSize(1).ofMaxSize(2)).as(Spec::new);
    }
}
