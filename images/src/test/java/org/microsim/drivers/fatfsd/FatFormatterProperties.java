package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsType;
import org.microsim.abi.fs.FsStats;
import org.microsim.images.FatFormatter;

/**
 * Whatever the size, type and cluster size, formatting either succeeds with a volume {@link FatVolume} mounts
 * writable with that type and cluster size, or is refused as an invalid request; letting the formatter choose
 * the cluster size is refused only when no explicit choice would work either.
 */
class FatFormatterProperties {
    private static final FatClock CLOCK = new FatClock(() -> 0L);

    /** A disk that stores only the blocks written, so that gigabytes cost what their metadata costs. */
    private static final class SparseDevice implements BlockDevice {
        private final long blocks;
        private final Map<Long, byte[]> written = new HashMap<>();

        SparseDevice(long blocks) {
            this.blocks = blocks;
        }

        @Override
        public int blockSize() {
            return 512;
        }

        @Override
        public long blockCount() {
            return blocks;
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        private void check(long lba, int count) throws BlockException {
            if (lba < 0 || count < 0 || lba + count > blocks) {
                throw new BlockException(BlockError.OUT_OF_RANGE, lba + "+" + count + " outside " + blocks);
            }
        }

        @Override
        public void read(long lba, int count, byte[] dst, int offset) throws BlockException {
            check(lba, count);
            for (int i = 0; i < count; i++) {
                byte[] b = written.get(lba + i);
                System.arraycopy(b == null ? new byte[512] : b, 0, dst, offset + 512 * i, 512);
            }
        }

        @Override
        public void write(long lba, int count, byte[] src, int offset) throws BlockException {
            check(lba, count);
            for (int i = 0; i < count; i++) {
                byte[] b = new byte[512];
                System.arraycopy(src, offset + 512 * i, b, 0, 512);
                written.put(lba + i, b);
            }
        }

        @Override
        public void flush() {
        }
    }

    private static FsType type(int bits) {
        return bits == 12 ? FsType.FAT12 : bits == 16 ? FsType.FAT16 : FsType.FAT32;
    }

    /** Sizes from 8 sectors to 2 GiB, spread evenly over orders of magnitude. */
    private static long sectors(int log, long fraction) {
        return (1L << log) + fraction % (1L << log);
    }

    @Property(tries = 60)
    void formatsMountOrAreRefused(@ForAll @IntRange(min = 3, max = 21) int log, @ForAll @LongRange(min = 0) long frac,
                                  @ForAll("bits") int bits, @ForAll @IntRange(min = 0, max = 7) int spcLog,
                                  @ForAll boolean auto) throws Exception {
        SparseDevice dev = new SparseDevice(sectors(log, frac));
        int spc = auto ? 0 : 1 << spcLog;
        FsType type = type(bits);
        try {
            FatFormatter.format(dev, new FatFormatter.Options(type, spc, "", 1, 0), CLOCK);
        } catch (FsException e) {
            assertEquals(FsError.INVALID_REQUEST, e.error(), e.getMessage());
            if (auto) {
                for (int explicit = 1; explicit <= 64; explicit *= 2) {
                    int s = explicit;
                    assertThrows(FsException.class, () -> FatFormatter.format(new SparseDevice(dev.blocks),
                            new FatFormatter.Options(type, s, "", 1, 0), CLOCK), "auto refused but " + s + " works");
                }
            }
            return;
        }
        FatVolume v = FatVolume.mount(dev, CLOCK);
        assertNull(v.readOnlyReason());
        assertEquals(type, v.type());
        if (!auto) {
            assertEquals(spc * 512, v.clusterSize());
        }
        FsStats stats = v.statfs();
        assertEquals(stats.totalClusters() - (type == FsType.FAT32 ? 1 : 0), stats.freeClusters());
    }

    @Provide
    Arbitrary<Integer> bits() {
        return Arbitraries.of(12, 16, 32);
    }
}
