package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.hosttools.HostTools;
import org.microsim.testkit.task.MemoryDisk;

/**
 * Random sequences of file operations against a model (path to bytes, set of directories), with random syncs
 * and crashes (the volume dropped without sync, a new one mounted on the same device). The volume must match
 * the model after every crash with exactly the synced state, an operation must fail exactly when the model
 * says it is invalid, and the final image must pass fsck.fat -n.
 */
class FsModelProperties {
    private static final Path TMP = Tools.tempDir("fatfsd-model");
    private static final TreeMap<String, byte[]> IMAGES = new TreeMap<>();
    private static final List<String> DIRS = List.of("/d1", "/d1/Sub Dir ☃", "/D2");
    private static final List<String> NAMES = List.of("a.txt", "Long Name with ünïcode.bin", "UPPER.TXT", "x");

    @AfterContainer
    static void cleanUp() throws IOException {
        Tools.deleteTree(TMP);
    }

    static synchronized byte[] image(int bits) throws Exception {
        HostTools.require("mkfs.fat");
        if (!IMAGES.containsKey("" + bits)) {
            int kib = bits == 12 ? 1440 : bits == 16 ? 8192 : 34000;
            IMAGES.put("" + bits, Files.readAllBytes(Tools.mkfs(TMP, "model" + bits + ".img", bits, 1, kib)));
        }
        return IMAGES.get("" + bits).clone();
    }

    sealed interface Op {
    }

    record Write(int path, int offset, int length, long seed, boolean append) implements Op {
    }

    record Truncate(int path, int size) implements Op {
    }

    record Unlink(int path) implements Op {
    }

    record Mkdir(int dir) implements Op {
    }

    record Rmdir(int dir) implements Op {
    }

    record Rename(int from, int to, boolean dirs) implements Op {
    }

    record Sync() implements Op {
    }

    record Crash() implements Op {
    }

    static final int PATHS = (DIRS.size() + 1) * NAMES.size();

    static String file(int i) {
        String dir = i / NAMES.size() == 0 ? "" : DIRS.get(i / NAMES.size() - 1);
        return dir + "/" + NAMES.get(i % NAMES.size());
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> path = Arbitraries.integers().between(0, PATHS - 1);
        Arbitrary<Integer> dir = Arbitraries.integers().between(0, DIRS.size() - 1);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(6, Combinators.combine(path, Arbitraries.integers().between(0, 9000),
                        Arbitraries.integers().between(0, 7000), Arbitraries.longs(), Arbitraries.of(true, false))
                        .as(Write::new)),
                Tuple.of(2, Combinators.combine(path, Arbitraries.integers().between(0, 9000))
                        .as(Truncate::new)),
                Tuple.of(2, path.map(Unlink::new)),
                Tuple.of(3, dir.map(Mkdir::new)),
                Tuple.of(1, dir.map(Rmdir::new)),
                Tuple.of(2, Combinators.combine(path, path, Arbitraries.of(true, false))
                        .as(Rename::new)),
                Tuple.of(2, Arbitraries.just(new Sync())),
                Tuple.of(1, Arbitraries.just(new Crash())));
        return op.list().ofMinSize(5).ofMaxSize(40);
    }

    /** The filesystem as it should be. */
    static final class Model {
        TreeMap<String, byte[]> files = new TreeMap<>();
        TreeSet<String> dirs = new TreeSet<>(Set.of("/"));

        Model copy() {
            Model m = new Model();
            files.forEach((k, v) -> m.files.put(k, v.clone()));
            m.dirs = new TreeSet<>(dirs);
            return m;
        }

        static String parent(String path) {
            int i = path.lastIndexOf('/');
            return i == 0 ? "/" : path.substring(0, i);
        }

        boolean exists(String p) {
            return files.containsKey(p) || dirs.contains(p);
        }

        boolean hasChildren(String dir) {
            String prefix = dir + "/";
            return files.keySet().stream().anyMatch(f -> f.startsWith(prefix))
                    || dirs.stream().anyMatch(d -> d.startsWith(prefix));
        }
    }

    @Property(tries = 25)
    void fat12(@ForAll("ops") List<Op> ops) throws Exception {
        check(12, ops);
    }

    @Property(tries = 25)
    void fat16(@ForAll("ops") List<Op> ops) throws Exception {
        check(16, ops);
    }

    @Property(tries = 12)
    void fat32(@ForAll("ops") List<Op> ops) throws Exception {
        check(32, ops);
    }

    private void check(int bits, List<Op> ops) throws Exception {
        MemoryDisk dev = MemoryDisk.of(image(bits), 512);
        FatVolume v = FatVolume.mount(dev, new FatClock(() -> 0L));
        Model model = new Model();
        Model synced = model.copy();
        for (Op op : ops) {
            switch (op) {
                case Sync s -> {
                    v.sync();
                    synced = model.copy();
                }
                case Crash c -> {
                    v = mountClean(dev);
                    model = synced.copy();
                    verify(v, model);
                }
                default -> apply(v, model, op);
            }
        }
        verify(v, model);
        v.sync();
        verify(mountClean(dev), model);
        Path img = Files.createTempFile(TMP, "final", ".img");
        Files.write(img, dev.bytes());
        if (Files.isExecutable(Path.of("/usr/sbin/fsck.fat")) || Files.isExecutable(Path.of("/sbin/fsck.fat"))) {
            Tools.fsckClean(img);
        }
        Files.delete(img);
    }

    private static FatVolume mountClean(MemoryDisk dev) throws FsException {
        FatVolume v = FatVolume.mount(dev, new FatClock(() -> 0L));
        assertEquals(null, v.readOnlyReason(), "a crash or sync left the FAT inconsistent");
        return v;
    }

    private static void apply(FatVolume v, Model m, Op op) throws Exception {
        boolean valid;
        Runnable effect;
        FsAction action;
        switch (op) {
            case Write w -> {
                String p = file(w.path());
                valid = m.dirs.contains(Model.parent(p)) && !m.dirs.contains(p);
                byte[] data = new byte[w.length()];
                new Random(w.seed()).nextBytes(data);
                byte[] old = m.files.getOrDefault(p, new byte[0]);
                int at = w.append() ? old.length : w.offset();
                effect = () -> {
                    int end = data.length == 0 ? old.length : Math.max(old.length, at + data.length);
                    byte[] now = Arrays.copyOf(old, end);
                    if (data.length > 0) {
                        System.arraycopy(data, 0, now, at, data.length);
                    }
                    m.files.put(p, now);
                };
                action = () -> {
                    int fh = v.open(p, OpenFlags.WRITE | OpenFlags.CREATE | (w.append() ? OpenFlags.APPEND : 0));
                    v.write(fh, w.offset(), data, 0, data.length);
                    v.close(fh);
                };
            }
            case Truncate t -> {
                String p = file(t.path());
                valid = m.files.containsKey(p);
                effect = () -> m.files.put(p, Arrays.copyOf(m.files.get(p), t.size()));
                action = () -> {
                    int fh = v.open(p, OpenFlags.WRITE);
                    v.truncate(fh, t.size());
                    v.close(fh);
                };
            }
            case Unlink u -> {
                String p = file(u.path());
                valid = m.files.containsKey(p);
                effect = () -> m.files.remove(p);
                action = () -> v.unlink(p);
            }
            case Mkdir d -> {
                String p = DIRS.get(d.dir());
                valid = m.dirs.contains(Model.parent(p)) && !m.exists(p);
                effect = () -> m.dirs.add(p);
                action = () -> v.mkdir(p);
            }
            case Rmdir d -> {
                String p = DIRS.get(d.dir());
                valid = m.dirs.contains(p) && !m.hasChildren(p);
                effect = () -> m.dirs.remove(p);
                action = () -> v.rmdir(p);
            }
            case Rename r when r.dirs() -> {
                String from = DIRS.get(r.from() % DIRS.size());
                String to = file(r.to()).replace(".", "_");
                valid = m.dirs.contains(from) && m.dirs.contains(Model.parent(to)) && !m.exists(to)
                        && !(to + "/").startsWith(from + "/");
                effect = () -> moveDir(m, from, to);
                action = () -> v.rename(from, to);
            }
            case Rename r -> {
                String from = file(r.from());
                String to = file(r.to());
                valid = m.files.containsKey(from) && m.dirs.contains(Model.parent(to)) && !m.dirs.contains(to);
                effect = () -> m.files.put(to, m.files.remove(from));
                action = () -> v.rename(from, to);
            }
            default -> throw new IllegalStateException(op.toString());
        }
        try {
            action.run();
            assertTrue(valid, op + " succeeded but the model says it is invalid");
            effect.run();
        } catch (FsException e) {
            assertTrue(!valid, op + " failed: " + e.error() + " " + e.getMessage());
        }
    }

    private static void moveDir(Model m, String from, String to) {
        TreeSet<String> dirs = new TreeSet<>();
        for (String d : m.dirs) {
            dirs.add(d.equals(from) || d.startsWith(from + "/") ? to + d.substring(from.length()) : d);
        }
        m.dirs = dirs;
        TreeMap<String, byte[]> files = new TreeMap<>();
        m.files.forEach((k, val) -> files.put(k.startsWith(from + "/") ? to + k.substring(from.length()) : k, val));
        m.files = files;
    }

    interface FsAction {
        void run() throws FsException;
    }

    private static void verify(FatVolume v, Model m) throws Exception {
        for (String d : m.dirs) {
            TreeSet<String> listed = new TreeSet<>();
            for (FileStat s : v.list(d)) {
                listed.add((d.equals("/") ? "" : d) + "/" + s.name());
            }
            TreeSet<String> expected = new TreeSet<>();
            String prefix = d.equals("/") ? "/" : d + "/";
            Stream.concat(m.files.keySet().stream(), m.dirs.stream())
                    .filter(p -> p.startsWith(prefix) && p.length() > prefix.length()
                            && p.indexOf('/', prefix.length()) < 0)
                    .forEach(expected::add);
            assertEquals(expected, listed, "listing of " + d);
        }
        for (var e : m.files.entrySet()) {
            assertArrayEquals(e.getValue(), InteropReadTest.readAll(v, e.getKey()), e.getKey());
        }
    }
}
