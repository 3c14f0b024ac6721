package org.microsim.drivers.fatfsd;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsType;

/**
 * The directory tree of a volume: path resolution, directories loaded on first visit and kept, and the
 * operations on names (create, mkdir, delete, move). It changes only cached directories and the cached FAT;
 * {@link #writeBack} writes the changed directories at sync.
 *
 * <p>Clusters come from an {@link Allocator} rather than the FAT directly, because allocating may have to sync
 * first (see {@link FatVolume}), which is the volume's business.
 */
final class Tree {
    /** Hands out clusters: {@code count} of them after {@code after}, for the chain starting at {@code first}. */
    interface Allocator {
        int[] allocate(int count, int after, int first) throws FsException;
    }

    private final Bpb bpb;
    private final Disk disk;
    private final FatTable fat;
    private final DataArea data;
    private final FatClock clock;
    private final Allocator allocator;
    private final List<Directory> loaded = new ArrayList<>();
    final Directory root;

    Tree(Bpb bpb, Disk disk, FatTable fat, DataArea data, FatClock clock, Allocator allocator) throws FsException {
        this.bpb = bpb;
        this.disk = disk;
        this.fat = fat;
        this.data = data;
        this.clock = clock;
        this.allocator = allocator;
        if (bpb.type() == FsType.FAT32) {
            int[] chain = fat.chain((int) bpb.rootCluster());
            this.root = new Directory(null, true, false, chain, readDirectory(chain, "the root directory"));
        } else {
            byte[] raw = new byte[(int) bpb.rootDirSectors() * bpb.bytesPerSector()];
            disk.read(bpb.rootDirStart(), (int) bpb.rootDirSectors(), raw, 0);
            this.root = new Directory(null, false, true, new int[0], raw);
        }
        loaded.add(root);
    }

    /** The components of {@code path}, with "." and ".." resolved lexically (".." of the root is the root). */
    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
                continue;
            }
            out.add(part);
        }
        return out;
    }

    /** The directory named by the first {@code count} components; {@code path} is for messages. */
    private Directory walk(List<String> parts, int count, String path) throws FsException {
        Directory dir = root;
        for (int i = 0; i < count; i++) {
            Node node = dir.lookup(parts.get(i));
            if (node == null) {
                throw new FsException(FsError.NOT_FOUND, "no such file or directory: " + path);
            }
            if (!node.isDirectory()) {
                throw new FsException(FsError.NOT_A_DIRECTORY, "not a directory: " + parts.get(i) + " in " + path);
            }
            dir = load(node);
        }
        return dir;
    }

    /** The directory at {@code path}. */
    Directory directory(String path) throws FsException {
        List<String> parts = split(path);
        return walk(parts, parts.size(), path);
    }

    /** The directory that would hold the last component of {@code path}, and that component. */
    record Place(Directory dir, String name) {
    }

    Place place(String path) throws FsException {
        List<String> parts = split(path);
        if (parts.isEmpty()) {
            throw new FsException(FsError.INVALID_NAME, "the root directory has no name: \"" + path + "\"");
        }
        return new Place(walk(parts, parts.size() - 1, path), parts.get(parts.size() - 1));
    }

    /** The node at {@code path}, or null for the root. */
    Node resolve(String path) throws FsException {
        List<String> parts = split(path);
        if (parts.isEmpty()) {
            return null;
        }
        Directory dir = walk(parts, parts.size() - 1, path);
        Node node = dir.lookup(parts.get(parts.size() - 1));
        if (node == null) {
            throw new FsException(FsError.NOT_FOUND, "no such file or directory: " + path);
        }
        return node;
    }

    /** The directory {@code node} is, read from the device on first use. */
    Directory load(Node node) throws FsException {
        if (node.directory == null) {
            int[] chain = chainOf(node);
            if (chain.length == 0) {
                throw new FsException(FsError.CORRUPT, "directory " + node.name + " has no cluster");
            }
            node.directory = new Directory(node, bpb.type() == FsType.FAT32, false, chain,
                    readDirectory(chain, "directory " + node.name));
            loaded.add(node.directory);
        }
        return node.directory;
    }

    private byte[] readDirectory(int[] chain, String what) throws FsException {
        if ((long) chain.length * bpb.clusterSize() > Directory.MAX_ENTRIES * 32L) {
            throw new FsException(FsError.CORRUPT, what + " is larger than " + Directory.MAX_ENTRIES + " entries");
        }
        return data.readAll(chain);
    }

    /** The clusters of {@code node}, walked and checked against its size on first use. */
    int[] chainOf(Node node) throws FsException {
        if (node.chain == null) {
            int first = node.firstCluster();
            if (first != 0 && (first < 2 || first > fat.maxCluster())) {
                throw new FsException(FsError.CORRUPT, node.name + " starts at cluster " + first + ", outside 2.."
                        + fat.maxCluster());
            }
            int[] chain = fat.chain(first);
            if (!node.isDirectory() && (long) chain.length * bpb.clusterSize() < node.size()) {
                throw new FsException(FsError.CORRUPT, "file " + node.name + " has " + node.size()
                        + " bytes but " + chain.length + " clusters of " + bpb.clusterSize());
            }
            node.chain = chain;
        }
        return node.chain;
    }

    /** Creates the entry {@code name} in {@code dir}: a long name when needed, times from the clock. */
    Node create(Directory dir, String name, int attr, int cluster) throws FsException {
        Names.validate(name);
        if (dir.lookup(name) != null) {
            throw new FsException(FsError.EXISTS, "already exists: " + name);
        }
        Names.ShortForm exact = Names.exact(name);
        byte[] entry = new byte[32];
        System.arraycopy(exact != null ? exact.raw() : Names.generate(name, dir.shortNames()), 0, entry, 0, 11);
        entry[11] = (byte) attr;
        entry[12] = (byte) (exact != null ? exact.caseBits() : 0);
        FatClock.Stamp now = clock.now();
        entry[13] = (byte) now.tenths();
        Le.put16(entry, 14, now.time());
        Le.put16(entry, 16, now.date());
        Le.put16(entry, 18, now.date());
        Le.put16(entry, 22, now.time());
        Le.put16(entry, 24, now.date());
        Le.put16(entry, 26, cluster);
        Le.put16(entry, 20, bpb.type() == FsType.FAT32 ? cluster >>> 16 : 0);
        int slot = freeSlots(dir, exact != null ? 1 : Names.lfnCount(name) + 1);
        Node node = dir.insert(slot, name, entry, exact != null);
        node.chain = cluster == 0 ? new int[0] : null;
        return node;
    }

    private int freeSlots(Directory dir, int count) throws FsException {
        int slot = dir.findFree(count);
        while (slot < 0) {
            if (dir.fixed) {
                throw new FsException(FsError.NO_SPACE, "the root directory is full (" + dir.slots()
                        + " entries)");
            }
            if (dir.slots() + bpb.clusterSize() / 32 > Directory.MAX_ENTRIES) {
                throw new FsException(FsError.NO_SPACE, "directory is full (" + Directory.MAX_ENTRIES
                        + " entries)");
            }
            int[] got = allocator.allocate(1, dir.clusters[dir.clusters.length - 1], dir.clusters[0]);
            dir.grow(got, bpb.clusterSize());
            slot = dir.findFree(count);
        }
        return slot;
    }

    private void dotEntry(byte[] raw, int off, String name, byte[] template, int cluster) {
        System.arraycopy(template, 0, raw, off, 32);
        Arrays.fill(raw, off, off + 11, (byte) ' ');
        System.arraycopy(name.getBytes(StandardCharsets.ISO_8859_1), 0, raw, off, name.length());
        raw[off + 12] = 0;
        Le.put16(raw, off + 26, cluster);
        Le.put16(raw, off + 20, bpb.type() == FsType.FAT32 ? cluster >>> 16 : 0);
        Le.put32(raw, off + 28, 0);
    }

    /** What stat and readdir report about {@code node}. */
    FileStat statOf(Node node) {
        boolean dir = node.isDirectory();
        return new FileStat(node.name, dir ? 0 : node.size(), dir, node.attr() & 0x3F,
                FatClock.epochSeconds(node.writeDate(), node.writeTime()));
    }

    /** Creates the directory {@code name} in {@code dir}, with its "." and ".." entries. */
    void mkdir(Directory dir, String name) throws FsException {
        Names.validate(name);
        if (dir.lookup(name) != null) {
            throw new FsException(FsError.EXISTS, "already exists: " + name);
        }
        int[] cluster = allocator.allocate(1, 0, 0);
        Node node;
        try {
            node = create(dir, name, Node.ATTR_DIR, cluster[0]);
        } catch (FsException e) {
            fat.release(cluster, 0);
            throw e;
        }
        byte[] raw = new byte[bpb.clusterSize()];
        byte[] entry = node.entry();
        dotEntry(raw, 0, ".", entry, cluster[0]);
        dotEntry(raw, 32, "..", entry, dir.clusterForDotDot());
        node.chain = cluster;
        node.directory = new Directory(node, bpb.type() == FsType.FAT32, false, cluster, raw);
        node.directory.touchAll();
        loaded.add(node.directory);
    }

    /** Frees the clusters and the entry of {@code node} (a file, or a directory known to be empty). */
    void delete(Node node) throws FsException {
        fat.release(chainOf(node), 0);
        node.parent.remove(node);
        node.gone = true;
        if (node.directory != null) {
            loaded.remove(node.directory);
        }
    }

    /**
     * Moves {@code node} to {@code place}: an existing file there is replaced by a file; a directory moved to
     * another parent gets its ".." entry fixed.
     */
    void move(Node node, Place place, String from, String to) throws FsException {
        Names.validate(place.name());
        if (node.isDirectory()) {
            for (Directory d = place.dir(); d.self != null; d = d.self.parent) {
                if (d.self == node) {
                    throw new FsException(FsError.INVALID_NAME, "cannot move " + from + " into itself (" + to + ")");
                }
            }
        }
        Node existing = place.dir().lookup(place.name());
        if (existing != null && existing != node) {
            if (existing.isDirectory() || node.isDirectory()) {
                throw new FsException(FsError.EXISTS, "already exists: " + to);
            }
            delete(existing);
        }
        Directory target = place.dir();
        Directory source = node.parent;
        Names.ShortForm exact = Names.exact(place.name());
        int slot = freeSlots(target, exact != null ? 1 : Names.lfnCount(place.name()) + 1);
        byte[] entry = node.entry();
        byte[] shortName = exact != null ? exact.raw() : Names.generate(place.name(), target.shortNames());
        System.arraycopy(shortName, 0, entry, 0, 11);
        entry[12] = (byte) ((entry[12] & ~0x18) | (exact != null ? exact.caseBits() : 0));
        source.remove(node);
        target.place(node, slot, place.name(), entry, exact != null);
        if (node.isDirectory() && source != target) {
            load(node).setDotDot(target.clusterForDotDot());
        }
    }

    /** Writes the volume-label entry {@code entry} into the root directory. */
    void writeLabel(byte[] entry) throws FsException {
        root.writeLabel(root.labelSlot >= 0 ? root.labelSlot : freeSlots(root, 1), entry);
    }

    /** Writes every changed directory to the device. */
    void writeBack() throws FsException {
        for (Directory dir : loaded) {
            if (!dir.dirty()) {
                continue;
            }
            if (dir.fixed) {
                disk.write(bpb.rootDirStart(), (int) bpb.rootDirSectors(), dir.raw, 0);
            } else {
                BitSet changed = dir.dirtyClusters();
                for (int i = changed.nextSetBit(0); i >= 0; ) {
                    int end = changed.nextClearBit(i);
                    data.write(dir.clusters, i, end, dir.raw);
                    i = changed.nextSetBit(end);
                }
            }
            dir.clean();
        }
    }
}
