package org.microsim.kernel.machine;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.microsim.abi.DmaBuffer;

/**
 * The machine's physical address space, as DMA sees it.
 *
 * <p>The space is 64 bits wide and sparse: only what drivers allocated exists. Each allocation is one
 * zeroed array, so a device moving a large block into a buffer does one bulk copy. Addresses are handed out
 * page-aligned from {@value #RAM_BASE} upwards, skipping the hole below 4 GiB where the PCI BARs live, and
 * are never reused: a device still pointed at memory a crashed driver owned finds nothing there and reports
 * the spec's host-bus error, instead of scribbling over the next owner's data.
 *
 * <p>Every allocation carries an owner token, so the kernel can free all a dead driver had with
 * {@link #freeAll}. The device side ({@link #read}, {@link #write}) answers an access that touches any
 * unmapped byte with {@code false} and moves nothing; models turn that into their spec's error. The
 * address map is a concurrent structure, so drivers may allocate while device callbacks run.
 */
final class PhysicalMemory {
    /** Allocation granularity and alignment. */
    public static final long PAGE = 4096;
    /** The lowest address handed out: the first megabyte stays empty, so 0 and small numbers are unmapped. */
    public static final long RAM_BASE = 0x10_0000L;
    /** Start of the 32-bit hole kept for memory-mapped BARs. */
    public static final long MMIO_HOLE = 0xE000_0000L;
    private static final long HIGH_RAM = 0x1_0000_0000L;
    /** The largest single allocation (one array). */
    public static final int MAX_ALLOCATION = 1 << 30;

    private final long capacity;
    private final ConcurrentSkipListMap<Long, DmaRegion> regions = new ConcurrentSkipListMap<>();
    /**
     * The region the last device access found: a NIC or disk works through one ring and one set of buffers for a
     * while, and a look-up in the map costs a skip-list search on every DMA access (3.7% of a TCP transfer).
     */
    private volatile DmaRegion last;
    private long next = RAM_BASE;
    private long used;

    /** A memory holding at most {@code capacityBytes} of live allocations. */
    public PhysicalMemory(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("memory capacity must be positive, got " + capacityBytes);
        }
        this.capacity = capacityBytes;
    }

    /**
     * Allocates a zeroed, physically contiguous, page-aligned buffer.
     *
     * @param size  bytes, 1 to {@link #MAX_ALLOCATION}
     * @param owner whose it is, for {@link #freeAll}
     * @return the buffer, or empty when the memory's capacity would be exceeded or the size is out of range
     */
    public Optional<DmaBuffer> allocate(int size, Object owner) {
        if (size <= 0 || size > MAX_ALLOCATION || owner == null) {
            return Optional.empty();
        }
        long rounded = (size + PAGE - 1) & -PAGE;
        DmaRegion region;
        synchronized (this) {
            if (used + rounded > capacity) {
                return Optional.empty();
            }
            if (next < HIGH_RAM && next + rounded > MMIO_HOLE) {
                next = HIGH_RAM;
            }
            region = new DmaRegion(next, size, owner);
            next += rounded;
            used += rounded;
        }
        regions.put(region.physAddress(), region);
        return Optional.of(region);
    }

    /** Frees one buffer this memory allocated; false if it was not (or no longer) allocated. */
    public boolean free(DmaBuffer buffer) {
        if (!(buffer instanceof DmaRegion region) || !regions.remove(region.physAddress(), region)) {
            return false;
        }
        release(region);
        return true;
    }

    /** Frees every buffer {@code owner} holds (a crashed or exiting driver's) and says how many there were. */
    public int freeAll(Object owner) {
        int count = 0;
        for (Iterator<DmaRegion> it = regions.values().iterator(); it.hasNext(); ) {
            DmaRegion region = it.next();
            if (region.owner().equals(owner) && regions.remove(region.physAddress(), region)) {
                release(region);
                count++;
            }
        }
        return count;
    }

    private synchronized void release(DmaRegion region) {
        region.markFreed();
        used -= (region.size() + PAGE - 1) & -PAGE;
    }

    /** Bytes currently allocated, rounded up to pages. */
    public synchronized long usedBytes() {
        return used;
    }

    /** True when every byte of {@code [address, address + length)} is allocated memory. */
    public boolean isMapped(long address, long length) {
        if (length < 0 || address < 0 || address + length < address) {
            return false;
        }
        long pos = address;
        long end = address + length;
        while (pos < end) {
            DmaRegion region = regionAt(pos);
            if (region == null) {
                return false;
            }
            pos = region.end();
        }
        return true;
    }

    /** Device read: copies {@code length} bytes at {@code address} into {@code dst}, or returns false if unmapped. */
    public boolean read(long address, byte[] dst, int dstOffset, int length) {
        DmaRegion region = regionHolding(address, length);
        if (region != null) {
            System.arraycopy(region.data(), (int) (address - region.physAddress()), dst, dstOffset, length);
            return true;
        }
        int[] at = {dstOffset};
        return access(address, length, (data, offset, n) -> {
            System.arraycopy(data, offset, dst, at[0], n);
            at[0] += n;
        });
    }

    /** Device write: copies {@code length} bytes of {@code src} to {@code address}, or returns false if unmapped. */
    public boolean write(long address, byte[] src, int srcOffset, int length) {
        DmaRegion region = regionHolding(address, length);
        if (region != null) {
            System.arraycopy(src, srcOffset, region.data(), (int) (address - region.physAddress()), length);
            return true;
        }
        int[] at = {srcOffset};
        return access(address, length, (data, offset, n) -> {
            System.arraycopy(src, at[0], data, offset, n);
            at[0] += n;
        });
    }

    /** The one region that holds all of {@code [address, address + length)}, or null (unmapped, or several). */
    private DmaRegion regionHolding(long address, int length) {
        DmaRegion region = length > 0 ? regionAt(address) : null;
        return region != null && length <= region.end() - address ? region : null;
    }

    /**
     * Gives {@code span} the backing arrays of {@code [address, address + length)} piece by piece, in order,
     * so a model can copy straight between its data and memory. Nothing is touched, and the answer is false,
     * if any byte is unmapped. Bounded by the number of allocations the range crosses.
     */
    <X extends Exception> boolean access(long address, long length, Span<X> span) throws X {
        if (!isMapped(address, length)) {
            return false;
        }
        long pos = address;
        long remaining = length;
        while (remaining > 0) {
            DmaRegion region = regionAt(pos);
            if (region == null) {
                return false;
            }
            int n = (int) Math.min(remaining, region.end() - pos);
            span.copy(region.data(), (int) (pos - region.physAddress()), n);
            pos += n;
            remaining -= n;
        }
        return true;
    }

    private DmaRegion regionAt(long address) {
        DmaRegion cached = last;
        if (cached != null && cached.holds(address)) {
            return cached;
        }
        Map.Entry<Long, DmaRegion> entry = regions.floorEntry(address);
        if (entry == null || address >= entry.getValue().end()) {
            return null;
        }
        last = entry.getValue();
        return entry.getValue();
    }

    /** One contiguous piece of a device access: bytes {@code [offset, offset + length)} of {@code data}. */
    @FunctionalInterface
    interface Span<X extends Exception> {
        void copy(byte[] data, int offset, int length) throws X;
    }
}
