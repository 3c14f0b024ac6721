package org.microsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.microsim.hosttools.HostTools;

/**
 * What sync acknowledged survives a crash of fatfsd or of any driver below it, through the whole chain: a
 * FAT16 image made by mkfs.fat on an AHCI disk of the machine (persist=on), random puts, removals, syncs and
 * crashes of fatfsd, partd or ahci, all as console commands. After each crash every file that has not changed
 * since the last sync reads back as synced, and the volume takes writes again; at the end {@code fsck.fat -n}
 * finds the image clean and {@code mcopy} reads back every file.
 */
class CrashDurabilityProperties {
    private static final String VOLUME = "/vol/ahci0:disk0p0/";
    private static final List<String> NAMES = List.of("A.BIN", "long name one.dat", "B.TXT", "another long name");

    sealed interface Step {
    }

    record Put(int name, int size, long seed) implements Step {
    }

    record Remove(int name) implements Step {
    }

    record Sync() implements Step {
    }

    record Crash(String program) implements Step {
    }

    @Provide
    Arbitrary<List<Step>> scripts() {
        Arbitrary<Integer> name = Arbitraries.integers().between(0, NAMES.size() - 1);
        Arbitrary<Step> put = Combinators.combine(name, Arbitraries.integers().between(0, 300_000),
                Arbitraries.longs()).as(Put::new);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                Tuple.of(5, put),
                Tuple.of(2, name.map(Remove::new)),
                Tuple.of(2, Arbitraries.just(new Sync())),
                Tuple.of(2, Arbitraries.of("fatfsd", "partd", "ahci").map(Crash::new)));
        return step.list().ofMinSize(4).ofMaxSize(14);
    }

    /** dosfstools and mtools check what the simulator wrote: without them this property cannot say anything. */
    @BeforeProperty
    void requireTools() {
        HostTools.require(ScratchFatImage.TOOLS);
    }

    @Property(tries = 10)
    void syncedFilesSurviveCrashesAnywhereInTheChain(@ForAll("scripts") List<Step> steps) throws Exception {
        try (ScratchFatImage scratch = new ScratchFatImage("microsim-crash")) {
            Path dir = scratch.dir;
            Map<String, byte[]> current = new HashMap<>();
            Map<String, byte[]> synced = new HashMap<>();
            Set<String> changed = new HashSet<>();
            try (Machine m = new Machine(scratch.image)) {
                for (Step step : steps) {
                    switch (step) {
                        case Put p -> {
                            byte[] data = scratch.hostFile("put.bin", p.size(), p.seed());
                            String name = NAMES.get(p.name());
                            m.run("put", dir.resolve("put.bin").toString(), VOLUME + name);
                            current.put(name, data);
                            changed.add(name);
                        }
                        case Remove r -> {
                            String name = NAMES.get(r.name());
                            if (current.remove(name) != null) {
                                m.run("rm", VOLUME + name);
                                changed.add(name);
                            }
                        }
                        case Sync s -> {
                            m.run("sync");
                            synced.clear();
                            synced.putAll(current);
                            changed.clear();
                        }
                        case Crash c -> {
                            m.run("crash", c.program());
                            m.run("sleep", "5s");
                            for (String name : NAMES) {
                                Optional<byte[]> now = m.read(dir, name);
                                if (!changed.contains(name)) {
                                    assertEquals(synced.containsKey(name), now.isPresent(), name + " after " + c);
                                    now.ifPresent(bytes -> assertArrayEquals(synced.get(name), bytes, name));
                                }
                                // A file changed since the last sync may be either way: take what is there.
                                now.ifPresentOrElse(bytes -> current.put(name, bytes), () -> current.remove(name));
                            }
                        }
                    }
                }
                m.run("sync");
            }
            scratch.assertHolds(current);
        }
    }

    /** A booted machine with the image on AHCI port 0, written through, that reads files back. */
    private static final class Machine implements AutoCloseable {
        private final SimMachine machine;
        private final Console console;

        Machine(Path image) {
            machine = SimMachine.builder().drive(image, "if=ahci,persist=on").build();
            console = new Console(machine);
        }

        String run(String... words) {
            return console.run(words);
        }

        /** The file's bytes, or empty when it does not exist. */
        Optional<byte[]> read(Path dir, String name) throws IOException {
            if (!console.tryRun("stat", VOLUME + name)) {
                return Optional.empty();
            }
            Path back = dir.resolve("get.bin");
            run("get", VOLUME + name, back.toString());
            return Optional.of(Files.readAllBytes(back));
        }

        @Override
        public void close() {
            machine.close();
        }
    }
}
