package org.microsim.drivers.fatfsd;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsStats;
import org.microsim.abi.fs.FsType;
import org.microsim.abi.fs.OpenFlags;

/**
 * A mounted FAT12, FAT16 or FAT32 volume on a {@link BlockDevice}, written from the Microsoft FAT
 * specification.
 *
 * <h2>Mounting</h2>
 * The boot sector is validated field by field ({@link Bpb}); a volume whose geometry cannot be trusted is
 * refused with {@link FsError#CORRUPT} and the reason. A volume whose geometry is fine but whose FAT looks
 * inconsistent is mounted read-only, and {@link #readOnlyReason()} says why. The checks that decide this are:
 * the device is read-only; FAT[0] does not carry the media byte; the FAT copies differ (with mirroring on);
 * on FAT32 the FSInfo sector has bad signatures. The FAT[1] clean-shutdown bits are neither checked nor
 * changed: a crash of this process never leaves anything but the last synced state on disk (see below), so
 * there is nothing those bits would tell.
 *
 * <h2>Caching and crash safety</h2>
 * The FAT is cached whole ({@link FatTable}), directories are cached as they are visited ({@link Directory}),
 * and file data goes through {@link DataArea}. Nothing a synced state refers to is overwritten before the
 * next {@link #sync}: new clusters are written straight through (they are free on disk), data of clusters that
 * were in use waits in a cache, FAT and directories are written only by sync, and freed clusters are not
 * reused before sync. So a crash (dropping this object without sync) leaves exactly the last synced state,
 * and {@code sync} makes everything acknowledged durable and calls {@link BlockDevice#flush()}. Two
 * conditions sync on their own to bound memory and space: the write-back cache growing past
 * {@value #CACHE_LIMIT} bytes, and an allocation that only the quarantined clusters could satisfy.
 *
 * <h2>Names</h2>
 * Paths are '/'-separated; "." and ".." are resolved lexically. Lookups are case-insensitive, long names keep
 * their case. A new name that is a valid upper- or lower-case 8.3 name is stored as a short entry (lower
 * case through the NT case bits); any other gets a long name and a generated short name ({@link Names}).
 *
 * <p>Not thread-safe: one task owns a volume. Every method either succeeds or throws {@link FsException};
 * corrupt structures on disk give {@link FsError#CORRUPT} with what is wrong.
 */
public final class FatVolume {
    static final long CACHE_LIMIT = 16L << 20;
    private static final int MAX_HANDLES = 4096;
    private static final long MAX_FILE = 0xFFFFFFFFL;
    private static final int ZERO_CHUNK = 1 << 20;
    private static final int SETTABLE_ATTRIBUTES = 0x27;

    private final Disk disk;
    private final Bpb bpb;
    private final FatTable fat;
    private final DataArea data;
    private final FatClock clock;
    private final Tree tree;
    private final byte[] boot;
    private final byte[] fsInfo;
    private final String readOnlyReason;
    private final Map<Integer, Handle> handles = new HashMap<>();
    private int nextHandle = 1;
    private boolean bootDirty;

    private record Handle(Node node, int flags) {
    }

    private FatVolume(BlockDevice device, FatClock clock) throws FsException {
        this.clock = clock;
        int bs = device.blockSize();
        if (bs <= 0 || bs > 4096 || device.blockCount() <= 0) {
            throw new FsException(FsError.CORRUPT, "not mountable: device of " + device.blockCount()
                    + " blocks of " + bs + " bytes");
        }
        byte[] first = new byte[Math.max(512, bs)];
        new Disk(device, bs).read(0, 1, first, 0);
        Bpb parsed = Bpb.parse(first, device.blockCount() * bs);
        this.bpb = parsed;
        this.disk = new Disk(device, parsed.bytesPerSector());
        this.boot = new byte[parsed.bytesPerSector()];
        disk.read(0, 1, boot, 0);
        this.fat = new FatTable(disk, parsed);
        this.data = new DataArea(disk, parsed, fat);
        String reason = device.readOnly() ? "the device is read-only" : fat.inconsistency();
        byte[] info = null;
        if (parsed.type() == FsType.FAT32 && parsed.fsInfoSector() != 0 && parsed.fsInfoSector() != 0xFFFF) {
            info = new byte[parsed.bytesPerSector()];
            if (parsed.fsInfoSector() >= parsed.reservedSectors()) {
                reason = reason != null ? reason : "FSInfo sector " + parsed.fsInfoSector()
                        + " is outside the reserved area";
                info = null;
            } else {
                disk.read(parsed.fsInfoSector(), 1, info, 0);
                if (Le.u32(info, 0) != 0x41615252L || Le.u32(info, 484) != 0x61417272L
                        || Le.u32(info, 508) != 0xAA550000L) {
                    reason = reason != null ? reason : "FSInfo sector has bad signatures";
                    info = null;
                }
            }
        }
        this.fsInfo = info;
        this.readOnlyReason = reason;
        this.tree = new Tree(parsed, disk, fat, data, clock, this::allocate);
    }

    /**
     * Mounts the FAT volume on {@code device}, taking timestamps from {@code clock}.
     *
     * @throws FsException CORRUPT with the reason when the boot sector is unusable, IO_ERROR when the device fails
     */
    public static FatVolume mount(BlockDevice device, FatClock clock) throws FsException {
        return new FatVolume(device, clock);
    }

    /** Why the volume is mounted read-only, or null when it is writable. */
    public String readOnlyReason() {
        return readOnlyReason;
    }

    /** FAT12, FAT16 or FAT32, as the cluster count decides. */
    public FsType type() {
        return bpb.type();
    }

    /** Bytes per cluster. */
    public int clusterSize() {
        return bpb.clusterSize();
    }

    private void checkWritable() throws FsException {
        if (readOnlyReason != null) {
            throw new FsException(FsError.READ_ONLY, "volume is read-only: " + readOnlyReason);
        }
    }

    // ---- files ----

    /**
     * Opens (and with {@link OpenFlags#CREATE} creates) the file at {@code path}.
     *
     * @return a handle number for {@link #read}, {@link #write}, {@link #truncate} and {@link #close}
     */
    public int open(String path, int flags) throws FsException {
        String problem = OpenFlags.problem(flags);
        if (problem != null) {
            throw new FsException(FsError.INVALID_REQUEST, problem);
        }
        boolean writing = (flags & OpenFlags.WRITE) != 0;
        if (handles.size() >= MAX_HANDLES) {
            throw new FsException(FsError.NO_SPACE, "too many open files (" + MAX_HANDLES + ")");
        }
        Tree.Place place = tree.place(path);
        Node node = place.dir().lookup(place.name());
        if (node == null) {
            if ((flags & OpenFlags.CREATE) == 0) {
                throw new FsException(FsError.NOT_FOUND, "no such file: " + path);
            }
            checkWritable();
            node = tree.create(place.dir(), place.name(), Node.ATTR_ARCHIVE, 0);
        } else {
            if ((flags & OpenFlags.EXCLUSIVE) != 0) {
                throw new FsException(FsError.EXISTS, "already exists: " + path);
            }
            if (node.isDirectory()) {
                throw new FsException(FsError.IS_A_DIRECTORY, "is a directory: " + path);
            }
            if (writing) {
                checkWritable();
                if ((node.attr() & Node.ATTR_READ_ONLY) != 0) {
                    throw new FsException(FsError.READ_ONLY, "file has the read-only attribute: " + path);
                }
            }
            tree.chainOf(node);
            if ((flags & OpenFlags.TRUNCATE) != 0) {
                resize(node, 0);
            }
        }
        while (handles.containsKey(nextHandle) || nextHandle == 0) {
            nextHandle++;
        }
        int fh = nextHandle++;
        handles.put(fh, new Handle(node, flags));
        return fh;
    }

    private Handle handle(int fh, int need) throws FsException {
        Handle h = handles.get(fh);
        if (h == null) {
            throw new FsException(FsError.BAD_HANDLE, "no open file with handle " + Integer.toUnsignedString(fh));
        }
        if (h.node().gone) {
            throw new FsException(FsError.BAD_HANDLE, "the file of handle " + fh + " was deleted");
        }
        if ((h.flags() & need) != need) {
            throw new FsException(FsError.BAD_HANDLE, "handle " + fh + " is not open for "
                    + (need == OpenFlags.READ ? "reading" : "writing"));
        }
        return h;
    }

    /** Reads up to {@code len} bytes at {@code offset}; returns how many (0 at or past the end). */
    public int read(int fh, long offset, byte[] dst, int off, int len) throws FsException {
        return read(fh, offset, FileBytes.of(dst, off), len);
    }

    /** Reads up to {@code len} bytes at {@code offset} into {@code dst}; returns how many. */
    int read(int fh, long offset, FileBytes dst, int len) throws FsException {
        Node node = handle(fh, OpenFlags.READ).node();
        if (offset < 0 || len < 0) {
            throw new FsException(FsError.INVALID_REQUEST, "negative offset or length");
        }
        long size = node.size();
        int n = (int) Math.max(0, Math.min(len, size - offset));
        if (n > 0) {
            data.read(tree.chainOf(node), offset, dst, n);
        }
        return n;
    }

    /** Writes {@code len} bytes at {@code offset} (at the end for an APPEND handle); returns {@code len}. */
    public int write(int fh, long offset, byte[] src, int off, int len) throws FsException {
        return write(fh, offset, FileBytes.of(src, off), len);
    }

    /** Writes {@code len} bytes of {@code src} at {@code offset} (at the end for APPEND); returns {@code len}. */
    int write(int fh, long offset, FileBytes src, int len) throws FsException {
        Handle h = handle(fh, OpenFlags.WRITE);
        checkWritable();
        Node node = h.node();
        long at = (h.flags() & OpenFlags.APPEND) != 0 ? node.size() : offset;
        if (at < 0 || len < 0) {
            throw new FsException(FsError.INVALID_REQUEST, "negative offset or length");
        }
        if (at + len > MAX_FILE) {
            throw new FsException(FsError.NO_SPACE, "a FAT file cannot grow past 4 GiB - 1 bytes");
        }
        if (len == 0) {
            return 0;
        }
        if (at > node.size()) {
            resize(node, at);
        }
        writeAt(node, at, src, len);
        return len;
    }

    private void writeAt(Node node, long at, FileBytes src, int len) throws FsException {
        int had = tree.chainOf(node).length;
        ensureClusters(node, at + len);
        try {
            data.write(node.chain, at, src, len);
        } catch (FsException e) {
            // The device failed the write: the clusters it took go back, or the next sync would write a chain
            // longer than the file's size (fsck's "cluster chain length is > size"), as Linux's fat_write_failed
            // truncates what a failed write allocated.
            cut(node, had);
            throw e;
        }
        if (at + len > node.size()) {
            node.setSize(at + len);
        }
        node.modified(clock.now());
        if (data.cachedBytes() > CACHE_LIMIT) {
            sync();
        }
    }

    /** Sets the size of an open file: cuts it, or extends it with zeros. */
    public void truncate(int fh, long size) throws FsException {
        Node node = handle(fh, OpenFlags.WRITE).node();
        checkWritable();
        if (size < 0 || size > MAX_FILE) {
            throw new FsException(FsError.INVALID_REQUEST, "size " + size + " outside 0..4 GiB - 1");
        }
        resize(node, size);
    }

    private void resize(Node node, long size) throws FsException {
        long old = node.size();
        if (size < old) {
            cut(node, (int) ((size + bpb.clusterSize() - 1) / bpb.clusterSize()));
            node.setSize(size);
            node.modified(clock.now());
        } else if (size > old) {
            byte[] zeros = new byte[(int) Math.min(ZERO_CHUNK, size - old)];
            FileBytes zeroBytes = FileBytes.of(zeros, 0);
            for (long at = old; at < size; at += zeros.length) {
                writeAt(node, at, zeroBytes, (int) Math.min(zeros.length, size - at));
            }
        }
    }

    /** Frees the file's clusters past the first {@code keep}. */
    private void cut(Node node, int keep) throws FsException {
        int[] chain = tree.chainOf(node);
        if (keep < chain.length) {
            fat.release(chain, keep);
            node.chain = Arrays.copyOf(chain, keep);
            if (keep == 0) {
                node.setFirstCluster(0);
            }
        }
    }

    private void ensureClusters(Node node, long bytes) throws FsException {
        int[] chain = tree.chainOf(node);
        int needed = (int) ((bytes + bpb.clusterSize() - 1) / bpb.clusterSize());
        if (needed > chain.length) {
            int[] got = allocate(needed - chain.length, chain.length == 0 ? 0 : chain[chain.length - 1],
                    node.firstCluster());
            if (chain.length == 0) {
                node.setFirstCluster(got[0]);
            }
            int[] all = Arrays.copyOf(chain, needed);
            System.arraycopy(got, 0, all, chain.length, got.length);
            node.chain = all;
        }
    }

    private int[] allocate(int count, int after, int first) throws FsException {
        if (fat.available() < count && fat.hasQuarantine()) {
            sync();
        }
        return fat.allocate(count, after, first);
    }

    /** Forgets a handle. */
    public void close(int fh) throws FsException {
        if (handles.remove(fh) == null) {
            throw new FsException(FsError.BAD_HANDLE, "no open file with handle " + Integer.toUnsignedString(fh));
        }
    }

    // ---- names ----

    /** Creates the directory {@code path}, with its "." and ".." entries. */
    public void mkdir(String path) throws FsException {
        checkWritable();
        Tree.Place place = tree.place(path);
        tree.mkdir(place.dir(), place.name());
    }

    /** Deletes the file at {@code path}. */
    public void unlink(String path) throws FsException {
        checkWritable();
        Node node = tree.resolve(path);
        if (node == null || node.isDirectory()) {
            throw new FsException(FsError.IS_A_DIRECTORY, "is a directory (use rmdir): " + path);
        }
        tree.delete(node);
    }

    /** Deletes the empty directory at {@code path}. */
    public void rmdir(String path) throws FsException {
        checkWritable();
        Node node = tree.resolve(path);
        if (node == null) {
            throw new FsException(FsError.INVALID_NAME, "cannot remove the root directory");
        }
        if (!node.isDirectory()) {
            throw new FsException(FsError.NOT_A_DIRECTORY, "not a directory: " + path);
        }
        if (!tree.load(node).isEmpty()) {
            throw new FsException(FsError.NOT_EMPTY, "directory not empty: " + path);
        }
        tree.delete(node);
    }

    /**
     * Renames or moves {@code from} to {@code to}. An existing file at {@code to} is replaced by a file; a
     * directory moved to another parent gets its ".." entry fixed.
     */
    public void rename(String from, String to) throws FsException {
        checkWritable();
        Node node = tree.resolve(from);
        if (node == null) {
            throw new FsException(FsError.INVALID_NAME, "cannot rename the root directory");
        }
        tree.move(node, tree.place(to), from, to);
    }

    // ---- information ----

    /** What the file or directory at {@code path} is. */
    public FileStat stat(String path) throws FsException {
        Node node = tree.resolve(path);
        return node == null ? new FileStat("", 0, true, Node.ATTR_DIR, 0) : tree.statOf(node);
    }

    /** The entries of the directory at {@code path}, in on-disk order, without "." and "..". */
    public List<FileStat> list(String path) throws FsException {
        Directory dir = tree.directory(path);
        List<FileStat> out = new ArrayList<>();
        for (Node node : dir.nodes()) {
            out.add(tree.statOf(node));
        }
        return out;
    }

    /**
     * Sets the attributes of the file or directory at {@code path}.
     *
     * @param attributes read-only 0x01, hidden 0x02, system 0x04, archive 0x20 (other bits are refused)
     */
    public void setAttributes(String path, int attributes) throws FsException {
        checkWritable();
        if ((attributes & ~SETTABLE_ATTRIBUTES) != 0) {
            throw new FsException(FsError.INVALID_REQUEST, "attributes 0x" + Integer.toHexString(attributes)
                    + ": only read-only, hidden, system and archive can be set");
        }
        Node node = tree.resolve(path);
        if (node == null) {
            throw new FsException(FsError.INVALID_NAME, "the root directory has no attributes");
        }
        node.setAttributes(attributes);
    }

    /** Sizes and free space, for df. */
    public FsStats statfs() {
        return new FsStats(bpb.clusterCount(), fat.freeCount(), bpb.clusterSize(), bpb.type(),
                readOnlyReason != null, label());
    }

    /** The volume label: the root directory's label entry, else the boot sector's; "" when none. */
    public String label() {
        return tree.root.labelSlot >= 0 ? Bpb.trimLabel(tree.root.raw, tree.root.labelSlot * 32) : bpb.label();
    }

    /**
     * Sets the volume label in the root directory and the boot sector (and its FAT32 backup).
     *
     * @throws FsException INVALID_NAME unless 1..11 characters valid in a short name (spaces allowed inside)
     */
    public void setLabel(String label) throws FsException {
        checkWritable();
        byte[] entry = labelEntry(label, clock);
        byte[] name = java.util.Arrays.copyOf(entry, 11);
        tree.writeLabel(entry);
        if (Le.u8(boot, bpb.labelOffset() - 5) == 0x29) {
            System.arraycopy(name, 0, boot, bpb.labelOffset(), 11);
            bootDirty = true;
        }
    }

    /**
     * The 32-byte root directory entry that names a volume {@code label} (upper-cased), stamped by
     * {@code clock}: what {@link #setLabel} writes, and what a formatter writes into a new volume.
     *
     * @throws FsException INVALID_NAME unless 1..11 characters valid in a short name (spaces allowed inside)
     */
    public static byte[] labelEntry(String label, FatClock clock) throws FsException {
        String upper = label.toUpperCase(Locale.ROOT);
        if (upper.isEmpty() || upper.length() > 11 || upper.startsWith(" ")
                || !upper.chars().allMatch(c -> c == ' ' || Names.exact(String.valueOf((char) c)) != null)) {
            throw new FsException(FsError.INVALID_NAME, "invalid volume label \"" + label + "\"");
        }
        byte[] entry = new byte[32];
        System.arraycopy(String.format("%-11s", upper).getBytes(StandardCharsets.ISO_8859_1), 0, entry, 0, 11);
        entry[11] = Node.ATTR_VOLUME;
        FatClock.Stamp now = clock.now();
        Le.put16(entry, 22, now.time());
        Le.put16(entry, 24, now.date());
        return entry;
    }

    // ---- durability ----

    /**
     * Writes every change (data, directories, all FAT copies, FSInfo, boot sector) and flushes the device:
     * after it returns, a new mount of the device sees everything done so far, even if this object is dropped.
     */
    public void sync() throws FsException {
        if (readOnlyReason != null) {
            return;
        }
        data.flush();
        tree.writeBack();
        fat.flush();
        if (fsInfo != null) {
            Le.put32(fsInfo, 488, fat.freeCount());
            Le.put32(fsInfo, 492, fat.nextFreeHint());
            disk.write(bpb.fsInfoSector(), 1, fsInfo, 0);
        }
        if (bootDirty) {
            disk.write(0, 1, boot, 0);
            int backup = Le.u16(boot, 50);
            if (bpb.type() == FsType.FAT32 && backup != 0 && backup != 0xFFFF && backup < bpb.reservedSectors()) {
                disk.write(backup, 1, boot, 0);
            }
            bootDirty = false;
        }
        disk.flush();
    }
}
