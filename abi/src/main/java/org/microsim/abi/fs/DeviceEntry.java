package org.microsim.abi.fs;

import org.microsim.abi.MalformedException;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * One block device the VFS shows under /dev: its port name, its parent port (the disk of a partition),
 * its port subclass (the partition type, {@link org.microsim.abi.PortSubclass}), block size, block count
 * and whether it is read-only.
 *
 * <pre>
 * name str, parent str, subclass u16, block size u32, block count u64, read-only u8
 * </pre>
 */
public record DeviceEntry(String name, String parent, int subclass, int blockSize, long blockCount,
        boolean readOnly) {
    /** The size in bytes. */
    public long size() {
        return blockSize * blockCount;
    }

    /** Appends this entry to {@code w}. */
    public void write(WireWriter w) {
        w.string(name).string(parent).u16(subclass).u32(blockSize).i64(blockCount).u8(readOnly ? 1 : 0);
    }

    /** Reads one entry; a zero block size, a negative count or a flag other than 0/1 is malformed. */
    public static DeviceEntry read(WireReader r) throws MalformedException {
        String name = r.string("name");
        String parent = r.string("parent");
        int subclass = r.u16("subclass");
        long blockSize = r.u32("block size");
        long count = r.i64("block count");
        int ro = r.u8("read-only flag");
        if (blockSize == 0 || blockSize > Integer.MAX_VALUE || count < 0 || ro > 1) {
            throw new MalformedException("device entry out of range: block size " + blockSize + ", count "
                    + count + ", read-only " + ro);
        }
        return new DeviceEntry(name, parent, subclass, (int) blockSize, count, ro == 1);
    }
}
