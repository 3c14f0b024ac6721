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

    /**
     * Writes whole clusters {@code from} (inclusive) to {@code to} (exclusive) of {@code chain}, a directory's,
     * from the same clusters of {@code data}, one device call per run of consecutive clusters.
     */
    void write(int[] chain, int from, int to, byte[] data) throws FsException {
        for (int i = from; i < to; ) {
            int j = runEnd(chain, i, to);
            disk.write(sectorOf(chain[i]), (j - i) * bpb.sectorsPerCluster(), data, i * clusterSize);
            i = j;
        }
    }

    /**
     * Reads {@code len} bytes at {@code pos} of the file whose clusters are {@code chain} into {@code dst}: a
     * part of a cluster through a cluster-sized buffer, whole clusters straight into {@code dst}, one device
     * call per run of consecutive clusters.
     */
    void read(int[] chain, long pos, FileBytes dst, int len) throws FsException {
        int off = 0;
        while (len > 0) {
            int i = (int) (pos / clusterSize);
            int within = (int) (pos % clusterSize);
            int take;
            if (within != 0 || len < clusterSize) {
                take = Math.min(len, clusterSize - within);
                dst.copyIn(off, readCluster(chain[i]), within, take);
            } else {
                int j = runEnd(chain, i, i + len / clusterSize);
                take = (j - i) * clusterSize;
                dst.readFrom(disk, sectorOf(chain[i]), (j - i) * bpb.sectorsPerCluster(), off);
            }
            if (!cache.isEmpty()) {
                overlay(chain, pos, dst, off, take);
            }
            pos += take;
            off += take;
            len -= take;
        }
    }

    /** Copies what the cache holds for {@code [pos, pos + len)} over what was read from the device. */
    private void overlay(int[] chain, long pos, FileBytes dst, int off, int len) throws FsException {
        for (int k = (int) (pos / clusterSize); (long) k * clusterSize < pos + len; k++) {
            byte[] cached = cache.get(chain[k]);
            if (cached != null) {
                long cStart = (long) k * clusterSize;
                long a = Math.max(cStart, pos);
                long b = Math.min(cStart + clusterSize, pos + len);
                dst.copyIn(off + (int) (a - pos), cached, (int) (a - cStart), (int) (b - a));
            }
        }
    }

    /**
     * Writes {@code len} bytes of {@code src} at {@code pos} of the file whose clusters are {@code chain} (long
     * enough). Fresh clusters go to the device: whole ones straight from {@code src}, one call per run of
     * consecutive fresh clusters, a part of one merged into the cluster read back. Clusters of synced data are
     * changed in the cache.
     */
    void write(int[] chain, long pos, FileBytes src, int len) throws FsException {
        int off = 0;
        while (len > 0) {
            int i = (int) (pos / clusterSize);
            int within = (int) (pos % clusterSize);
            boolean fresh = fat.fresh(chain[i]);
            int take;
            if (within != 0 || len < clusterSize) {
                take = Math.min(len, clusterSize - within);
                if (fresh) {
                    byte[] whole = readCluster(chain[i]);
                    src.copyOut(off, whole, within, take);
                    disk.write(sectorOf(chain[i]), bpb.sectorsPerCluster(), whole, 0);
                } else {
                    src.copyOut(off, cached(chain[i], true), within, take);
                }
            } else {
                int limit = i + len / clusterSize;
                int j = i + 1;
                while (j < limit && chain[j] == chain[j - 1] + 1 && fat.fresh(chain[j]) == fresh) {
                    j++;
                }
                take = (j - i) * clusterSize;
                if (fresh) {
                    src.writeTo(disk, sectorOf(chain[i]), (j - i) * bpb.sectorsPerCluster(), off);
                } else {
                    for (int k = i; k < j; k++) {
                        src.copyOut(off + (k - i) * clusterSize, cached(chain[k], false), 0, clusterSize);
                    }
                }
            }
            pos += take;
            off += take;
            len -= take;
        }
    }

    /**
     * The cache's copy of {@code cluster}, made on first use: read from the device when {@code merge} (only a
     * part of it is about to change), left blank when it is about to be overwritten whole.
     */
    private byte[] cached(int cluster, boolean merge) throws FsException {
        byte[] buf = cache.get(cluster);
        if (buf == null) {
            buf = merge ? readCluster(cluster) : new byte[clusterSize];
            cache.put(cluster, buf);
        }
        return buf;
    }

    /** One cluster as the device has it, in a new array. */
    private byte[] readCluster(int cluster) throws FsException {
        byte[] whole = new byte[clusterSize];
        disk.read(sectorOf(cluster), bpb.sectorsPerCluster(), whole, 0);
        return whole;
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
