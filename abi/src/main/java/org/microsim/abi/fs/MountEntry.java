package org.microsim.abi.fs;

import org.microsim.abi.MalformedException;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * One line of the VFS mount table: where a filesystem is mounted, its type ("fat12", "fat16", "fat32") and
 * its source, the block port it lives on.
 *
 * <pre>
 * mount point str, type str, source str
 * </pre>
 */
public record MountEntry(String mountPoint, String type, String source) {
    /** Appends this entry to {@code w}. */
    public void write(WireWriter w) {
        w.string(mountPoint).string(type).string(source);
    }

    /** Reads one entry. */
    public static MountEntry read(WireReader r) throws MalformedException {
        return new MountEntry(r.string("mount point"), r.string("type"), r.string("source"));
    }
}
