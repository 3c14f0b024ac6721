package org.microsim.kernel.machine;

import java.util.ArrayList;
import java.util.ListIterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The faults armed on one drive (an AHCI disk or a USB stick), which its device model asks about each read and
 * write it runs. A fault matches a command when its LBA range overlaps the command's blocks (and, for {@code
 * corrupt}, when the command reads); the first armed fault that matches takes the command and counts it, and is
 * spent after {@code count} commands. What a hit does is the model's, per its spec:
 *
 * <ul>
 *   <li>{@link Kind#IO}: the device fails the command (AHCI: ERR in the task file with UNC for a read, ABRT for
 *       a write, and TFES; a stick: CHECK CONDITION with MEDIUM ERROR, so the CSW says Command Failed). Nothing is
 *       written.
 *   <li>{@link Kind#TIMEOUT}: the device never answers the command; only a reset of the port (a COMRESET; a stick's
 *       reset recovery) ends the wait.
 *   <li>{@link Kind#CORRUPT}: a read succeeds with one byte flipped in each of its blocks that the fault's range
 *       covers (up to {@value #MAX_FLIPS} of them), at places and by masks drawn from the fault's seed, so a replay
 *       flips the same bits.
 * </ul>
 *
 * <p>All of it is called under the owning controller's lock or the harness's, so the methods synchronize.
 */
public final class DiskFaults {
    /** What a fault does to the commands it hits. */
    public enum Kind {
        IO, TIMEOUT, CORRUPT;

        /** The word the fault command uses: {@code io}, {@code timeout}, {@code corrupt}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One armed fault: {@code left} commands still to hit, in blocks {@code first..last} (inclusive). */
    private record Armed(Kind kind, long first, long last, int left) {
    }

    /** Most bytes one corrupt read gets flipped: one per block, for this many blocks at most. */
    private static final int MAX_FLIPS = 4096;
    private static final int BLOCK = DiskImage.SECTOR_SIZE;

    /** A command a fault took: its kind, and for a corrupt read the bytes to flip. */
    record Hit(Kind kind, Flips flips) {
    }

    private final List<Armed> armed = new ArrayList<>();
    private SplittableRandom random = new SplittableRandom(0);
    private long hits;

    /**
     * Arms a fault that hits the next {@code count} commands touching blocks {@code first..last}; its random
     * choices (which bytes a corrupt read flips) come from {@code seed}.
     */
    public synchronized void arm(Kind kind, int count, long first, long last, long seed) {
        if (count < 1 || first < 0 || last < first) {
            throw new IllegalArgumentException("a disk fault hits at least one command in a range FIRST-LAST");
        }
        armed.add(new Armed(kind, first, last, count));
        random = new SplittableRandom(seed);
    }

    /** Disarms every fault; returns how many were still armed. */
    public synchronized int clear() {
        int n = armed.size();
        armed.clear();
        return n;
    }

    /** The faults still armed, as {@code error=io count=N lba=FIRST-LAST}, and how many commands were hit so far. */
    public synchronized List<String> active() {
        List<String> out = new ArrayList<>();
        for (Armed a : armed) {
            out.add("error=" + a.kind.word() + " count=" + a.left + (a.first == 0 && a.last == Long.MAX_VALUE ? ""
                    : " lba=" + a.first + "-" + a.last));
        }
        return out;
    }

    /** Commands the faults hit so far. */
    public synchronized long hits() {
        return hits;
    }

    /**
     * The fault that takes a command on {@code blocks} blocks from {@code lba}, counted; null when none does (the
     * command runs as usual).
     */
    synchronized Hit take(long lba, long blocks, boolean write) {
        for (ListIterator<Armed> it = armed.listIterator(); it.hasNext(); ) {
            Armed a = it.next();
            boolean overlaps = lba <= a.last && lba + Math.max(blocks, 1) - 1 >= a.first;
            if (!overlaps || write && a.kind == Kind.CORRUPT) {
                continue;
            }
            if (a.left == 1) {
                it.remove();
            } else {
                it.set(new Armed(a.kind, a.first, a.last, a.left - 1));
            }
            hits++;
            return new Hit(a.kind, a.kind == Kind.CORRUPT ? flips(lba, blocks, a.first, a.last) : null);
        }
        return null;
    }

    /** One byte of each block of the read that {@code first..last} covers, at a drawn place, by a drawn mask. */
    private Flips flips(long lba, long blocks, long first, long last) {
        long from = Math.max(lba, first);
        int n = (int) Math.min(MAX_FLIPS, Math.min(lba + blocks - 1, last) - from + 1);
        long[] at = new long[n];
        byte[] mask = new byte[n];
        for (int i = 0; i < n; i++) {
            at[i] = (from - lba + i) * BLOCK + random.nextInt(BLOCK);
            mask[i] = (byte) random.nextInt(1, 256);
        }
        return new Flips(at, mask);
    }

    /** Byte flips of one corrupt read: byte {@code at[i]} of the data is XORed with {@code mask[i]}. */
    record Flips(long[] at, byte[] mask) {
        /** Flips the chosen bytes that fall in {@code [position, position + length)}, copied to {@code data[offset..]}. */
        void apply(long position, byte[] data, int offset, int length) {
            for (int i = 0; i < at.length; i++) {
                if (at[i] >= position && at[i] < position + length) {
                    data[offset + (int) (at[i] - position)] ^= mask[i];
                }
            }
        }
    }
}
