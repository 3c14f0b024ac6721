package org.microsim.kernel;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.microsim.abi.Program;

/**
 * The programs the kernel can start, by name: the simulator's equivalent of the files on a boot image.
 * A task asking to spawn can only name one of these, so no task can run arbitrary code.
 */
public final class ProgramCatalog {
    /** A program and a line saying what it is for. */
    public record Entry(String name, String description, Supplier<Program> factory) {
    }

    private final Map<String, Entry> entries = new TreeMap<>();

    /** Adds (or replaces) a program. */
    public ProgramCatalog add(String name, String description, Supplier<Program> factory) {
        entries.put(name, new Entry(name, description, factory));
        return this;
    }

    /** The entry, or null when there is no such program. */
    public Entry get(String name) {
        return entries.get(name);
    }

    /** All entries, sorted by name. */
    public Iterable<Entry> entries() {
        return entries.values();
    }
}
