package org.microsim.drivers.fatfsd;

import java.util.Arrays;
import java.util.BitSet;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsType;

/**
 * The file allocation table, cached whole in memory.
 *
 * <p>The active FAT is read once at mount; lookups never touch the device again. Changes mark FAT sectors
 * dirty and {@link #flush} writes the dirty sectors to every copy (or to the active copy only when FAT32
 * mirroring is off), so the copies never diverge on disk after a sync.
 *
 * <p>Crash safety comes from two rules that keep the on-disk state equal to the last sync until the next one:
 * a cluster freed since the last sync is quarantined (not handed out again, because the on-disk FAT still
 * gives it to its old file), and a cluster allocated since the last sync is "fresh" (free on disk, so its
 * data may be written straight through). Both sets are cleared by {@link #flush}.
 *
 * <p>Every chain walk is bounded by the cluster count and checks each link, so a loop, a link out of range or
 * to a free cluster, or two chains sharing a cluster (cross-linked) is a {@link FsError#CORRUPT} error, never a
 * hang. Ownership of clusters (the first cluster of the chain that holds them) is recorded as chains are
 * walked, which is how cross-links are noticed.
 */
final class FatTable {
    private final Bpb bpb;
    private final Disk disk;
    private final byte[] fat;
    private final BitSet dirtySectors = new BitSet();
    private final BitSet quarantine = new BitSet();
    private final BitSet fresh = new BitSet();
    private final int[] owner;
    private final int max;
    private final int eoc;
    private long free;
    private long quarantined;
    private int nextFree;
    private final String inconsistency;

    FatTable(Disk disk, Bpb bpb) throws FsException {
        this.bpb = bpb;
        this.disk = disk;
        this.max = (int) bpb.maxCluster();
        this.eoc = switch (bpb.type()) {
            case FAT12 -> 0xFFF;
            case FAT16 -> 0xFFFF;
            case FAT32 -> 0x0FFFFFFF;
        };
        int bytes = Math.toIntExact(bpb.fatSize() * bpb.bytesPerSector());
        this.fat = new byte[bytes];
        disk.read(fatStart(bpb.activeFat()), (int) bpb.fatSize(), fat, 0);
        this.owner = new int[max + 1];
        this.inconsistency = checkConsistency();
        for (int c = 2; c <= max; c++) {
            if (get(c) == 0) {
                free++;
            }
        }
        this.nextFree = 2;
    }

    private long fatStart(int copy) {
        return bpb.reservedSectors() + copy * bpb.fatSize();
    }

    /** Why the volume must be read-only, or null: FAT[0] not matching the media byte, or FAT copies differing. */
    String inconsistency() {
        return inconsistency;
    }

    private String checkConsistency() throws FsException {
        int media0 = fat[0] & 0xff;
        if (media0 != bpb.media()) {
            return "FAT[0] media byte 0x" + Integer.toHexString(media0) + " differs from the boot sector's 0x"
                    + Integer.toHexString(bpb.media());
        }
        if (!bpb.mirrored()) {
            return null;
        }
        byte[] other = new byte[fat.length];
        for (int copy = 1; copy < bpb.fatCount(); copy++) {
            disk.read(fatStart(copy), (int) bpb.fatSize(), other, 0);
            int diff = Arrays.mismatch(fat, other);
            if (diff >= 0) {
                return "FAT copy " + (copy + 1) + " differs from copy 1 at byte " + diff;
            }
        }
        return null;
    }

    int maxCluster() {
        return max;
    }

    long freeCount() {
        return free;
    }

    /** Free clusters that may be handed out now (quarantined ones wait for the next sync). */
    long available() {
        return free - quarantined;
    }

    boolean hasQuarantine() {
        return quarantined > 0;
    }

    int nextFreeHint() {
        return nextFree;
    }

    boolean fresh(int cluster) {
        return fresh.get(cluster);
    }

    /** The raw entry of {@code c}. */
    int get(int c) {
        return switch (bpb.type()) {
            case FAT12 -> {
                int v = Le.u16(fat, c + c / 2);
                yield (c & 1) == 0 ? v & 0xFFF : v >>> 4;
            }
            case FAT16 -> Le.u16(fat, c * 2);
            case FAT32 -> (int) (Le.u32(fat, c * 4) & 0x0FFFFFFF);
        };
    }

    private void set(int c, int v) {
        int off;
        switch (bpb.type()) {
            case FAT12 -> {
                off = c + c / 2;
                int old = Le.u16(fat, off);
                int nv = (c & 1) == 0 ? (old & 0xF000) | (v & 0xFFF) : (old & 0x000F) | (v & 0xFFF) << 4;
                Le.put16(fat, off, nv);
                dirtySectors.set((off + 1) / bpb.bytesPerSector());
            }
            case FAT16 -> {
                off = c * 2;
                Le.put16(fat, off, v);
            }
            case FAT32 -> {
                off = c * 4;
                long old = Le.u32(fat, off);
                Le.put32(fat, off, (old & 0xF0000000L) | (v & 0x0FFFFFFFL));
            }
            default -> throw new IllegalStateException();
        }
        dirtySectors.set(off / bpb.bytesPerSector());
    }

    private boolean endOfChain(int v) {
        return v >= (eoc & ~7);
    }

    /**
     * The clusters of the chain starting at {@code first} (empty for 0), checked link by link.
     *
     * @throws FsException CORRUPT for a loop, a link out of range, to a free or bad cluster, or a cross-link
     */
    int[] chain(int first) throws FsException {
        if (first == 0) {
            return new int[0];
        }
        int[] out = new int[16];
        int n = 0;
        int c = first;
        while (true) {
            if (c < 2 || c > max) {
                throw corrupt("chain from cluster " + first + " reaches cluster " + c + ", outside 2.." + max);
            }
            if (n == max) {
                throw corrupt("chain from cluster " + first + " loops (longer than the " + (max - 1)
                        + " clusters of the volume)");
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, Math.min(out.length * 2, max));
            }
            out[n++] = c;
            int next = get(c);
            if (endOfChain(next)) {
                break;
            }
            if (next == 0) {
                throw corrupt("chain from cluster " + first + " links cluster " + c + " to a free cluster");
            }
            c = next;
        }
        int[] chain = Arrays.copyOf(out, n);
        for (int k : chain) {
            if (owner[k] != 0 && owner[k] != first) {
                throw corrupt("cluster " + k + " belongs to the chains starting at " + owner[k] + " and " + first
                        + " (cross-linked)");
            }
        }
        for (int k : chain) {
            owner[k] = first;
        }
        return chain;
    }

    /**
     * Allocates {@code count} clusters linked as a chain for the chain starting at {@code first} (0: a new
     * chain), preferring the clusters right after {@code after} so files stay contiguous, and links
     * {@code after} (when not 0) to the first of them. The caller checked {@link #available()}.
     */
    int[] allocate(int count, int after, int first) throws FsException {
        if (available() < count) {
            throw new FsException(FsError.NO_SPACE, "no space: " + count + " clusters needed, "
                    + available() + " free");
        }
        int[] got = new int[count];
        boolean follows = after >= 2 && after < max && get(after + 1) == 0 && !quarantine.get(after + 1);
        int start = follows ? after + 1 : nextFree;
        int c = start;
        int found = 0;
        for (long scanned = 0; found < count && scanned < max; scanned++) {
            if (c > max) {
                c = 2;
            }
            if (get(c) == 0 && !quarantine.get(c)) {
                got[found++] = c;
            }
            c++;
        }
        if (found < count) {
            throw corrupt("free cluster count " + available() + " disagrees with the FAT");
        }
        int head = first == 0 ? got[0] : first;
        for (int i = 0; i < count; i++) {
            set(got[i], i + 1 < count ? got[i + 1] : eoc);
            fresh.set(got[i]);
            owner[got[i]] = head;
        }
        if (after != 0) {
            set(after, got[0]);
        }
        free -= count;
        nextFree = got[count - 1] + 1 > max ? 2 : got[count - 1] + 1;
        return got;
    }

    /** Frees the clusters {@code chain[from..]} and ends the chain at {@code chain[from-1]} (if any). */
    void release(int[] chain, int from) {
        for (int i = from; i < chain.length; i++) {
            set(chain[i], 0);
            owner[chain[i]] = 0;
            if (!fresh.get(chain[i])) {
                quarantine.set(chain[i]);
                quarantined++;
            }
            fresh.clear(chain[i]);
        }
        free += chain.length - from;
        if (from > 0) {
            set(chain[from - 1], eoc);
        }
    }

    /** Writes the dirty FAT sectors to every copy and ends the quarantine; the caller flushes the device. */
    void flush() throws FsException {
        int bps = bpb.bytesPerSector();
        for (int s = dirtySectors.nextSetBit(0); s >= 0; ) {
            int end = dirtySectors.nextClearBit(s);
            for (int copy = 0; copy < bpb.fatCount(); copy++) {
                if (bpb.mirrored() || copy == bpb.activeFat()) {
                    disk.write(fatStart(copy) + s, end - s, fat, s * bps);
                }
            }
            s = dirtySectors.nextSetBit(end);
        }
        dirtySectors.clear();
        quarantine.clear();
        quarantined = 0;
        fresh.clear();
    }

    private static FsException corrupt(String why) {
        return new FsException(FsError.CORRUPT, "corrupt FAT: " + why);
    }
}
