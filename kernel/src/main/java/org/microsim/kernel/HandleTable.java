package org.microsim.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.microsim.abi.Rights;

/**
 * One task's handles: slot number to (port, rights), like a file-descriptor table. Freed slots are reused
 * lowest-first so that handle numbers are deterministic. Changed under the kernel lock; its own task also
 * reads it without the lock (the lock-free send and receive), which only a kill from another thread can race,
 * and {@link #get} stays in bounds then.
 */
final class HandleTable {
    /** The most handles one task may hold: a runaway task cannot exhaust the kernel's memory. */
    static final int MAX_HANDLES = 65536;

    record Entry(Port port, Rights rights) {
    }

    private Entry[] slots = new Entry[2];
    private int size;

    /** The slot of the new entry, or -1 when the table is full. */
    int add(Entry entry) {
        for (int i = 0; i < size; i++) {
            if (slots[i] == null) {
                slots[i] = entry;
                return i;
            }
        }
        if (size == MAX_HANDLES) {
            return -1;
        }
        if (size == slots.length) {
            slots = Arrays.copyOf(slots, Math.min(MAX_HANDLES, size * 2));
        }
        slots[size] = entry;
        return size++;
    }

    /** The entry at {@code slot}, or null for a slot that is out of range, closed or never used. */
    Entry get(int slot) {
        Entry[] all = slots;
        return slot >= 0 && slot < size && slot < all.length ? all[slot] : null;
    }

    void remove(int slot) {
        slots[slot] = null;
    }

    int count() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (slots[i] != null) {
                n++;
            }
        }
        return n;
    }

    /** Closes every handle, returning what was held. */
    List<Entry> clear() {
        List<Entry> all = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (slots[i] != null) {
                all.add(slots[i]);
            }
        }
        slots = new Entry[0];
        size = 0;
        return all;
    }
}
