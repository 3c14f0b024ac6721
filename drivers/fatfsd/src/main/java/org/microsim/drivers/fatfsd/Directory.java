package org.microsim.drivers.fatfsd;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One directory's entries, cached in memory: the raw 32-byte slots as on disk, and indexes over them (nodes by
 * name, by slot, the set of short names in use, a hint below which no slot is free).
 *
 * <p>A directory is read from the device once, when first needed, and written back whole at sync if it
 * changed. Lookups, creates and deletes are then hash-map and in-memory operations, which is what makes ten
 * thousand creates in one directory cheap: finding free slots starts at the hint instead of slot 0.
 *
 * <p>Parsing follows the specification: 0xE5 marks a free slot, 0x00 the end (every later slot is free), a
 * long name is a run of entries with attribute 0x0F, ordinals counting down from the one flagged 0x40, all
 * carrying the checksum of the short entry that follows; a run that breaks any of these rules is an orphan and
 * ignored (the short name is used), as Windows and Linux do. "." and ".." and the volume label are not nodes.
 */
final class Directory {
    static final int MAX_ENTRIES = 65536;

    final boolean fat32;
    /** True for the FAT12/16 root region, which has a fixed size. */
    final boolean fixed;
    final Node self;
    int[] clusters;
    /** The slots; may be longer than {@link #size} so that growing is not a copy per cluster. */
    byte[] raw;
    /** Bytes of directory: the clusters times the cluster size, or the fixed root's size. */
    private int size;
    /**
     * Which of its clusters (by index in {@link #clusters}) changed since the last write-back, so that a sync
     * writes those and not a whole large directory for one new entry; the fixed root is one unit.
     */
    private final BitSet dirtyClusters = new BitSet();
    /** Bytes per unit of {@link #dirtyClusters}: a cluster, or the whole fixed root. */
    private final int unit;
    /** Slot of the volume-label entry in a root directory, or -1. */
    int labelSlot = -1;
    private int end;
    private int freeHint;
    private final Map<String, Node> byName = new HashMap<>();
    private final TreeMap<Integer, Node> bySlot = new TreeMap<>();
    private final Set<String> shortNames = new HashSet<>();

    Directory(Node self, boolean fat32, boolean fixed, int[] clusters, byte[] raw) {
        this.self = self;
        this.fat32 = fat32;
        this.fixed = fixed;
        this.clusters = clusters;
        this.raw = raw;
        this.size = raw.length;
        this.unit = fixed ? Math.max(1, raw.length) : raw.length / clusters.length;
        parse();
    }

    /** Marks the unit holding byte {@code offset} of the directory as changed. */
    void touch(int offset) {
        dirtyClusters.set(offset / unit);
    }

    /** Marks all of it as changed (a new directory). */
    void touchAll() {
        dirtyClusters.set(0, fixed ? 1 : clusters.length);
    }

    boolean dirty() {
        return !dirtyClusters.isEmpty();
    }

    /** The changed clusters, by index in {@link #clusters}; a copy. */
    BitSet dirtyClusters() {
        return (BitSet) dirtyClusters.clone();
    }

    /** Everything changed is on the disk. */
    void clean() {
        dirtyClusters.clear();
    }

    int slots() {
        return size / 32;
    }

    /** The cluster a ".." entry of a child must name: 0 for the root, as the specification says. */
    int clusterForDotDot() {
        return self == null ? 0 : clusters[0];
    }

    private void parse() {
        int count = slots();
        end = count;
        String[] parts = null;
        int expect = 0;
        int checksum = -1;
        int lfnStart = -1;
        for (int slot = 0; slot < count; slot++) {
            int off = slot * 32;
            int b0 = raw[off] & 0xff;
            if (b0 == 0) {
                end = slot;
                break;
            }
            int attr = raw[off + 11] & 0xff;
            if (b0 == 0xE5) {
                parts = null;
                continue;
            }
            if ((attr & 0x3F) == 0x0F) {
                int ord = b0 & 0x3F;
                if ((b0 & 0x40) != 0 && ord >= 1 && ord <= 20) {
                    parts = new String[ord];
                    checksum = raw[off + 13] & 0xff;
                    lfnStart = slot;
                    expect = ord;
                }
                if (parts != null && ord == expect && (raw[off + 13] & 0xff) == checksum) {
                    StringBuilder sb = new StringBuilder();
                    Names.readLfnPart(raw, off, sb);
                    parts[ord - 1] = sb.toString();
                    expect--;
                } else {
                    parts = null;
                }
                continue;
            }
            String[] lfn = parts;
            parts = null;
            if ((attr & Node.ATTR_VOLUME) != 0) {
                if (self == null && labelSlot < 0) {
                    labelSlot = slot;
                }
                continue;
            }
            if (b0 == '.') {
                continue;
            }
            String longName = lfn != null && expect == 0 && checksum == Names.checksum(raw, off)
                    ? String.join("", lfn) : null;
            String shortName = Names.display(raw, off);
            Node node = new Node(this, slot, longName != null ? lfnStart : slot,
                    longName != null && !longName.isEmpty() ? longName : shortName);
            index(node);
        }
        freeHint = 0;
    }

    private void index(Node node) {
        bySlot.put(node.slot, node);
        byName.putIfAbsent(Names.key(node.name), node);
        byName.putIfAbsent(Names.key(Names.display(raw, node.slot * 32)), node);
        shortNames.add(Names.asKey(Arrays.copyOfRange(raw, node.slot * 32, node.slot * 32 + 11)));
    }

    private void unindex(Node node) {
        bySlot.remove(node.slot);
        byName.remove(Names.key(node.name), node);
        byName.remove(Names.key(Names.display(raw, node.slot * 32)), node);
        shortNames.remove(Names.asKey(Arrays.copyOfRange(raw, node.slot * 32, node.slot * 32 + 11)));
    }

    Node lookup(String name) {
        return byName.get(Names.key(name));
    }

    Collection<Node> nodes() {
        return bySlot.values();
    }

    boolean isEmpty() {
        return bySlot.isEmpty();
    }

    Set<String> shortNames() {
        return shortNames;
    }

    private boolean free(int slot) {
        return slot >= end || (raw[slot * 32] & 0xff) == 0xE5;
    }

    /** The first slot of a run of {@code n} free slots, or -1 when the directory must grow. */
    int findFree(int n) {
        int run = 0;
        int firstFree = -1;
        for (int slot = freeHint; slot < slots(); slot++) {
            if (free(slot)) {
                if (firstFree < 0) {
                    firstFree = slot;
                }
                if (++run == n) {
                    freeHint = firstFree;
                    return slot - n + 1;
                }
            } else {
                run = 0;
            }
        }
        freeHint = firstFree < 0 ? slots() : firstFree;
        return -1;
    }

    /** Appends the zeroed clusters {@code added} to this directory. */
    void grow(int[] added, int clusterSize) {
        size += added.length * clusterSize;
        if (size > raw.length) {
            raw = Arrays.copyOf(raw, Math.max(size, raw.length * 2));
        }
        int[] all = Arrays.copyOf(clusters, clusters.length + added.length);
        System.arraycopy(added, 0, all, clusters.length, added.length);
        dirtyClusters.set(clusters.length, all.length);
        clusters = all;
    }

    /**
     * Writes a long name (unless {@code shortOnly}) and the short entry {@code entry} at {@code slot} and returns
     * the new node. The caller found the slots with {@link #findFree}.
     */
    Node insert(int slot, String name, byte[] entry, boolean shortOnly) {
        return place(new Node(this, slot, slot, name), slot, name, entry, shortOnly);
    }

    /** As {@link #insert}, but moves the existing {@code node} (removed from its old directory) here. */
    Node place(Node node, int slot, String name, byte[] entry, boolean shortOnly) {
        int lfns = shortOnly ? 0 : Names.lfnCount(name);
        int shortSlot = slot + lfns;
        if (lfns > 0) {
            Names.writeLfn(raw, slot * 32, name, Names.checksum(entry, 0));
            for (int s = slot; s < shortSlot; s++) {
                touch(s * 32);
            }
        }
        occupy(shortSlot, entry);
        node.parent = this;
        node.slot = shortSlot;
        node.firstSlot = slot;
        node.name = name;
        index(node);
        return node;
    }

    /** Writes the volume-label entry {@code entry} at {@code slot} (root directory only). */
    void writeLabel(int slot, byte[] entry) {
        occupy(slot, entry);
        labelSlot = slot;
    }

    private void occupy(int slot, byte[] entry) {
        System.arraycopy(entry, 0, raw, slot * 32, 32);
        touch(slot * 32);
        if (slot + 1 > end) {
            end = slot + 1;
            if (end < slots()) {
                raw[end * 32] = 0;
                touch(end * 32);
            }
        }
    }

    /** Frees the slots of {@code node} (marks them 0xE5). */
    void remove(Node node) {
        unindex(node);
        for (int s = node.firstSlot; s <= node.slot; s++) {
            raw[s * 32] = (byte) 0xE5;
            touch(s * 32);
        }
        freeHint = Math.min(freeHint, node.firstSlot);
    }

    /** Rewrites the ".." entry (slot 1) of this directory to name {@code cluster}. */
    void setDotDot(int cluster) {
        if (slots() > 1 && raw[32] == '.' && raw[33] == '.') {
            Le.put16(raw, 32 + 26, cluster);
            Le.put16(raw, 32 + 20, fat32 ? cluster >>> 16 : 0);
            touch(32);
        }
    }
}
