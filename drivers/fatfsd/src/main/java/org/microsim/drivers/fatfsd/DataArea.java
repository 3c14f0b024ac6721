package org.microsim.drivers.fatfsd;

import java.util.Map;
import java.util.TreeMap;
import org.microsim.abi.fs.FsException;

/**
 * The data region: clusters read and written in contiguous runs, one device call per run, with a write-back
 * cache for clusters that the last sync left in use.
 *
 * <p>Where a write goes depends on the cluster. A cluster allocated since the last sync ({@link
 * FatTable#fresh}) is free in the on-disk FAT, so nothing synced can see it and its data goes straight to the
 * device: that is the fast path for new files and appends. A cluster that was in use at the last sync belongs
 * to synced data, so its new contents wait in the cache until {@link #flush}; a crash before then leaves the
 * synced contents intact. Reads overlay the cache on what the device returns.
 */
final class DataArea {
    private final Disk disk;
    private final Bpb bpb;
    private final FatTable fat;
    private final int clusterSize;
    private final TreeMap<Integer, byte[]> cache = new TreeMap<>();

    DataArea(Disk disk, Bpb bpb, FatTable fat) {
        this.disk = disk;
        this.bpb = bpb;
        this.fat = fat;
        this.clusterSize = bpb.clusterSize();
    }

    private long sectorOf(int cluster) {
        return bpb.dataStart() + (long) (cluster - 2) * bpb.sectorsPerCluster();
    }

    /** Bytes waiting in the write-back cache. */
    long cachedBytes() {
        return (long) cache.size() * clusterSize;
    }

    /** The end (exclusive) of the run of consecutive clusters starting at {@code chain[i]}, up to {@code limit}. */
    private static int runEnd(int[] chain, int i, int limit) {
        int j = i + 1;
        while (j < limit && chain[j] == chain[j - 1] + 1) {
            j++;
        }
        return j;
    }

    /** Reads whole clusters (a directory) from the device, bypassing the cache. */
    byte[] readAll(int[] chain) throws FsException {
        byte[] out = new byte[chain.length * clusterSize];
        for (int i = 0; i < chain.length; ) {
            int j = runEnd(chain, i, chain.length);
            disk.read(sectorOf(chain[i]), (j - i) * bpb.sectorsPerCluster(), out, i * clusterSize);
            i = j;
        }
        return out;
    }

    /** Writes whole clusters (a directory) to the device. */
    void writeAll(int[] chain, byte[] data) throws FsException {
        for (int i = 0; i < chain.length; ) {
            int j = runEnd(chain, i, chain.length);
            disk.write(sectorOf(chain[i]), (j - i) * bpb.sectorsPerCluster(), data, i * clusterSize);
            i = j;
        }
    }

    /** Reads {@code len} bytes at {@code pos} of the file whose clusters are {@code chain}. */
    void read(int[] chain, long pos, byte[] dst, int off, int len) throws FsException {
        while (len > 0) {
            int i = (int) (pos / clusterSize);
            int within = (int) (pos % clusterSize);
            int last = (int) ((pos + len - 1) / clusterSize);
            int j = runEnd(chain, i, last + 1);
            int runBytes = (j - i) * clusterSize;
            int take = Math.min(len, runBytes - within);
            int sectors = (j - i) * bpb.sectorsPerCluster();
            if (within == 0 && take == runBytes) {
                disk.read(sectorOf(chain[i]), sectors, dst, off);
            } else {
                byte[] tmp = new byte[runBytes];
                disk.read(sectorOf(chain[i]), sectors, tmp, 0);
                System.arraycopy(tmp, within, dst, off, take);
            }
            if (!cache.isEmpty()) {
                overlay(chain, i, j, pos, dst, off, take);
            }
            pos += take;
            off += take;
            len -= take;
        }
    }

    private void overlay(int[] chain, int from, int to, long pos, byte[] dst, int off, int len) {
        for (int k = from; k < to; k++) {
            byte[] cached = cache.get(chain[k]);
            if (cached != null) {
                long cStart = (long) k * clusterSize;
                long a = Math.max(cStart, pos);
                long b = Math.min(cStart + clusterSize, pos + len);
                System.arraycopy(cached, (int) (a - cStart), dst, off + (int) (a - pos), (int) (b - a));
            }
        }
    }

    /** Writes {@code len} bytes at {@code pos} of the file whose clusters are {@code chain} (long enough). */
    void write(int[] chain, long pos, byte[] src, int off, int len) throws FsException {
        while (len > 0) {
            int i = (int) (pos / clusterSize);
            int within = (int) (pos % clusterSize);
            int last = (int) ((pos + len - 1) / clusterSize);
            boolean fresh = fat.fresh(chain[i]);
            int j = i + 1;
            while (j <= last && chain[j] == chain[j - 1] + 1 && fat.fresh(chain[j]) == fresh) {
                j++;
            }
            int runBytes = (j - i) * clusterSize;
            int take = Math.min(len, runBytes - within);
            if (fresh) {
                writeThrough(chain[i], j - i, within, src, off, take);
            } else {
                for (int k = i; k < j; k++) {
                    long cStart = (long) k * clusterSize;
                    long a = Math.max(cStart, pos);
                    long b = Math.min(cStart + clusterSize, pos + take);
                    byte[] buf = cache.get(chain[k]);
                    if (buf == null) {
                        buf = new byte[clusterSize];
                        if (b - a < clusterSize) {
                            disk.read(sectorOf(chain[k]), bpb.sectorsPerCluster(), buf, 0);
                        }
                        cache.put(chain[k], buf);
                    }
                    System.arraycopy(src, off + (int) (a - pos), buf, (int) (a - cStart), (int) (b - a));
                }
            }
            pos += take;
            off += take;
            len -= take;
        }
    }

    /** Writes {@code take} bytes at {@code within} of the run of {@code count} clusters from {@code first}. */
    private void writeThrough(int first, int count, int within, byte[] src, int off, int take) throws FsException {
        int spc = bpb.sectorsPerCluster();
        int runBytes = count * clusterSize;
        if (within == 0 && take == runBytes) {
            disk.write(sectorOf(first), count * spc, src, off);
            return;
        }
        byte[] tmp = new byte[runBytes];
        if (within % clusterSize != 0) {
            disk.read(sectorOf(first), spc, tmp, 0);
        }
        int endIn = within + take;
        int lastCluster = (endIn - 1) / clusterSize;
        if (endIn % clusterSize != 0 && (lastCluster != 0 || within % clusterSize == 0)) {
            disk.read(sectorOf(first + lastCluster), spc, tmp, lastCluster * clusterSize);
        }
        System.arraycopy(src, off, tmp, within, take);
        disk.write(sectorOf(first), count * spc, tmp, 0);
    }

    /** Writes the cache out, consecutive clusters in one call each, and empties it. */
    void flush() throws FsException {
        while (!cache.isEmpty()) {
            Map.Entry<Integer, byte[]> head = cache.firstEntry();
            int first = head.getKey();
            int count = 1;
            while (cache.containsKey(first + count)) {
                count++;
            }
            byte[] run = new byte[count * clusterSize];
            for (int k = 0; k < count; k++) {
                System.arraycopy(cache.remove(first + k), 0, run, k * clusterSize, clusterSize);
            }
            disk.write(sectorOf(first), count * bpb.sectorsPerCluster(), run, 0);
        }
    }
}
