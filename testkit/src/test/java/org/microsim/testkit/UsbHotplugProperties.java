package org.microsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Pulling a USB stick out is an everyday event, not a disaster. On a FAT16 image made by mkfs.fat, plugged in as
 * a stick with {@code persist=on}, a random sequence of puts, reads, syncs, detaches, re-attaches and crashes of
 * usbd, all as console commands (the deterministic scheduler; jqwik prints the sequence that fails):
 * <ul>
 *   <li>every command ends (nothing hangs, no call is left unanswered) and none fails with an internal error;</li>
 *   <li>a read never returns wrong bytes: a file reads back as last written, or the read fails;</li>
 *   <li>after a re-attach or a crash, every file unchanged since the last sync reads back as synced, and the
 *   stick mounts again as {@code msc0:};</li>
 *   <li>at the end, after a sync and a clean detach, {@code fsck.fat -n} finds the image clean and {@code mcopy}
 *   reads back every file.</li>
 * </ul>
 */
class UsbHotplugProperties {
    private static final String VOLUME = "/vol/msc0:p0/";
    private static final List<String> NAMES = List.of("A.BIN", "long name one.dat", "B.TXT");

    sealed interface Step {
    }

    record Put(int name, int size, long seed) implements Step {
    }

    record Read(int name) implements Step {
    }

    record Sync() implements Step {
    }

    record Detach() implements Step {
    }

    record Attach() implements Step {
    }

    record CrashUsbd() implements Step {
    }

    @Provide
    Arbitrary<List<Step>> scripts() {
        Arbitrary<Integer> name = Arbitraries.integers().between(0, NAMES.size() - 1);
        Arbitrary<Step> put = Combinators.combine(name, Arbitraries.integers().between(0, 200_000),
                Arbitraries.longs()).as(Put::new);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                Tuple.of(5, put),
                Tuple.of(3, name.map(Read::new)),
                Tuple.of(2, Arbitraries.just(new Sync())),
                Tuple.of(2, Arbitraries.just(new Detach())),
                Tuple.of(2, Arbitraries.just(new Attach())),
                Tuple.of(1, Arbitraries.just(new CrashUsbd())));
        return step.list().ofMinSize(4).ofMaxSize(14);
    }

    /** dosfstools and mtools make and check the image: without them this property cannot say anything. */
    @BeforeProperty
    void requireTools() {
        HostTools.require(ScratchFatImage.TOOLS);
    }

    @Property(tries = 12)
    void aStickComesAndGoesWithoutLosingWhatWasSynced(@ForAll("scripts") List<Step> steps) throws Exception {
        try (ScratchFatImage scratch = new ScratchFatImage("microsim-usb")) {
            Path dir = scratch.dir;
            Path image = scratch.image;
            Map<String, byte[]> current = new HashMap<>();
            Map<String, byte[]> synced = new HashMap<>();
            Set<String> changed = new HashSet<>();
            try (Machine m = new Machine(image)) {
                boolean attached = true;
                for (Step step : steps) {
                    switch (step) {
                        case Put p -> {
                            byte[] data = scratch.hostFile("put.bin", p.size(), p.seed());
                            String name = NAMES.get(p.name());
                            boolean done = m.tryRun("put", dir.resolve("put.bin").toString(), VOLUME + name);
                            assertEquals(attached, done, "a put works exactly when the stick is in\n" + m.log());
                            if (done) {
                                current.put(name, data);
                                changed.add(name);
                            }
                        }
                        case Read r -> {
                            String name = NAMES.get(r.name());
                            Optional<byte[]> now = m.read(dir, name);
                            if (attached && now.isPresent()) {
                                assertArrayEquals(current.get(name), now.get(), name + " reads as written\n" + m.log());
                            }
                            assertFalse(!attached && now.isPresent(), name + " is read with no stick\n" + m.log());
                        }
                        case Sync s -> {
                            m.tryRun("sync");
                            if (attached) {
                                synced.clear();
                                synced.putAll(current);
                                changed.clear();
                            }
                        }
                        case Detach d -> {
                            assertEquals(attached, m.tryRun("usb", "detach", "msc0:"), m.log());
                            attached = false;
                            assertFalse(m.run("mounts").contains("msc0:"), "unmounted\n" + m.log());
                        }
                        case Attach a -> {
                            boolean plugged = m.tryRun("usb", "attach", "file=" + image + ",persist=on,port=1");
                            assertEquals(!attached, plugged, "a port takes one stick\n" + m.log());
                            if (plugged) {
                                attached = true;
                                checkSynced(m, dir, current, synced, changed, "re-attach");
                            }
                        }
                        case CrashUsbd c -> {
                            m.run("crash", "usbd");
                            m.run("sleep", "5s");
                            if (attached) {
                                checkSynced(m, dir, current, synced, changed, "crash of usbd");
                            }
                        }
                    }
                }
                if (!attached) {
                    m.run("usb", "attach", "file=" + image + ",persist=on,port=1");
                    checkSynced(m, dir, current, synced, changed, "the last attach");
                }
                m.run("sync");
                m.run("usb", "detach", "1");
            }
            scratch.assertHolds(current);
        }
    }

    /**
     * The stick is mounted; a file unchanged since the last sync reads as synced, a changed one may be either way
     * (what is there becomes what is known); the state on the stick is the synced state from here.
     */
    private static void checkSynced(Machine m, Path dir, Map<String, byte[]> current, Map<String, byte[]> synced,
                                    Set<String> changed, String after) throws IOException {
        assertTrue(m.run("mounts").contains(VOLUME.substring(0, VOLUME.length() - 1)), "mounted after " + after
                + "\n" + m.log());
        for (String name : NAMES) {
            Optional<byte[]> now = m.read(dir, name);
            if (!changed.contains(name)) {
                assertEquals(synced.containsKey(name), now.isPresent(), name + " after " + after + "\n" + m.log());
                now.ifPresent(bytes -> assertArrayEquals(synced.get(name), bytes, name + " after " + after));
            }
            now.ifPresentOrElse(bytes -> current.put(name, bytes), () -> current.remove(name));
        }
        synced.clear();
        synced.putAll(current);
        changed.clear();
    }

    /** A booted machine with the image as a USB stick on port 1, written through; every command is kept. */
    private static final class Machine implements AutoCloseable {
        private final SimMachine machine;
        private final Console console;

        Machine(Path image) {
            machine = SimMachine.builder().drive(image, "if=usb,persist=on").build();
            console = new Console(machine);
        }

        String run(String... words) {
            return console.run(words);
        }

        boolean tryRun(String... words) {
            return console.tryRun(words);
        }

        /** The file's bytes, or empty when it does not exist or cannot be read. */
        Optional<byte[]> read(Path dir, String name) throws IOException {
            Path back = dir.resolve("get.bin");
            Files.deleteIfExists(back);
            if (!tryRun("get", VOLUME + name, back.toString())) {
                return Optional.empty();
            }
            return Optional.of(Files.readAllBytes(back));
        }

        String log() {
            return console.log();
        }

        @Override
        public void close() {
            machine.close();
        }
    }
}
