package org.microsim.drivers.fatfsd;

/**
 * A file or directory as its directory entry describes it. The entry's bytes in the parent's cached
 * {@link Directory} are the only copy of its fields, so a change is a change of the directory (made dirty,
 * written at sync). Open handles keep the node; a rename moves it (new parent and slot), a delete marks it
 * {@link #gone}.
 */
final class Node {
    static final int ATTR_READ_ONLY = 0x01;
    static final int ATTR_VOLUME = 0x08;
    static final int ATTR_DIR = 0x10;
    static final int ATTR_ARCHIVE = 0x20;

    Directory parent;
    /** Slot of the short entry. */
    int slot;
    /** Slot of the first long-name entry (== slot without a long name). */
    int firstSlot;
    String name;
    boolean gone;
    /** The cluster chain, walked on first use. */
    int[] chain;
    /** The directory this node is, once loaded. */
    Directory directory;

    Node(Directory parent, int slot, int firstSlot, String name) {
        this.parent = parent;
        this.slot = slot;
        this.firstSlot = firstSlot;
        this.name = name;
    }

    private int off() {
        return slot * 32;
    }

    int attr() {
        return parent.raw[off() + 11] & 0xff;
    }

    /** Replaces the changeable attribute bits (read-only, hidden, system, archive); the kind stays. */
    void setAttributes(int attributes) {
        parent.raw[off() + 11] = (byte) ((attr() & ATTR_DIR) | attributes);
        parent.touch(off());
    }

    boolean isDirectory() {
        return (attr() & ATTR_DIR) != 0;
    }

    int firstCluster() {
        int lo = Le.u16(parent.raw, off() + 26);
        return parent.fat32 ? lo | Le.u16(parent.raw, off() + 20) << 16 : lo;
    }

    void setFirstCluster(int c) {
        Le.put16(parent.raw, off() + 26, c);
        Le.put16(parent.raw, off() + 20, parent.fat32 ? c >>> 16 : 0);
        parent.touch(off());
    }

    long size() {
        return Le.u32(parent.raw, off() + 28);
    }

    void setSize(long size) {
        Le.put32(parent.raw, off() + 28, size);
        parent.touch(off());
    }

    /** Stamps a modification: write time and date, access date, archive bit. */
    void modified(FatClock.Stamp now) {
        Le.put16(parent.raw, off() + 22, now.time());
        Le.put16(parent.raw, off() + 24, now.date());
        Le.put16(parent.raw, off() + 18, now.date());
        parent.raw[off() + 11] |= ATTR_ARCHIVE;
        parent.touch(off());
    }

    int writeTime() {
        return Le.u16(parent.raw, off() + 22);
    }

    int writeDate() {
        return Le.u16(parent.raw, off() + 24);
    }

    /** A copy of the 32-byte short entry. */
    byte[] entry() {
        byte[] e = new byte[32];
        System.arraycopy(parent.raw, off(), e, 0, 32);
        return e;
    }
}
