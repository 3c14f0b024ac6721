package org.microsim.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.Result;
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

    /** What {@link #install} answers for the common message that moves no handles: one shared object. */
    private static final Result<List<Handle>> NO_HANDLES = Result.ok(List.of());

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

    /**
     * Installs handles that arrived with a message, in order: their numbers in this table, or UNAVAILABLE (and
     * none installed) when the table is full.
     */
    Result<List<Handle>> install(List<Entry> entries, String taskName) {
        if (entries.isEmpty()) {
            return NO_HANDLES;
        }
        List<Handle> local = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            int slot = add(e);
            if (slot < 0) {
                local.forEach(h -> remove(h.slot()));
                return Result.err(ErrorCode.UNAVAILABLE, "task " + taskName + " has no free handle slot");
            }
            local.add(new Handle(slot));
        }
        return Result.ok(local);
    }

    /** A second handle to the same port with at most the rights of the first (the duplicate system call). */
    Result<Handle> duplicate(Handle handle, Rights rights) {
        Entry e = handle == null ? null : get(handle.slot());
        if (e == null) {
            return Result.err(ErrorCode.BAD_HANDLE, "no handle " + handle);
        }
        if (rights == null || !e.rights().includes(rights)) {
            return Result.err(ErrorCode.NO_RIGHT, "a duplicate cannot have rights " + rights + " beyond " + e.rights());
        }
        int slot = add(new Entry(e.port(), rights));
        return slot < 0 ? Result.err(ErrorCode.UNAVAILABLE, "no free handle slot") : Result.ok(new Handle(slot));
    }

    /** Closes a handle (the close system call); the port lives on. */
    Result<Void> close(Handle handle) {
        if (handle == null || get(handle.slot()) == null) {
            return Result.err(ErrorCode.BAD_HANDLE, "no handle " + handle);
        }
        remove(handle.slot());
        return Result.ok(null);
    }

    /** What a handle reaches and may do (the inspect system call). */
    Result<HandleInfo> inspect(Handle handle) {
        Entry e = handle == null ? null : get(handle.slot());
        if (e == null) {
            return Result.err(ErrorCode.BAD_HANDLE, "no handle " + handle);
        }
        Port p = e.port();
        return Result.ok(new HandleInfo(p.name(), p.id, p.generation, e.rights(), p.info, !p.closed));
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
