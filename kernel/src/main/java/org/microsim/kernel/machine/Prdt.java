package org.microsim.kernel.machine;

import java.io.IOException;

/**
 * A command's physical region descriptor table (AHCI 1.3.1 section 4.2.3.3): the scatter/gather list of
 * memory a command's data moves through, and the move itself. Each 16-byte entry holds a data base address
 * (bit 0 reserved: buffers are word aligned), and in dword 3 the byte count minus one in bits 21:0 (bit 0
 * always set, counts are even) and the interrupt-on-completion bit 31. An entry whose count has bit 0
 * clear is taken as the even count the spec requires, as hardware that ignores the bit does.
 */
final class Prdt {
    static final int ENTRY_SIZE = 16;
    private static final int DBC_MASK = 0x3f_ffff;

    /** How a move ended. */
    enum Outcome {
        DONE,
        /** A PRDT entry or a data buffer is outside memory: the host bus error. */
        UNMAPPED,
        /** The entries describe fewer bytes than the command moves. */
        TOO_SHORT,
        /** The disk failed the access. */
        DEVICE_ERROR
    }

    /** Moves bytes {@code [position, position + length)} of a command's data between the device and memory. */
    @FunctionalInterface
    interface Mover {
        void move(long position, byte[] data, int offset, int length) throws IOException;
    }

    private final long[] addresses;
    private final int[] counts;
    private final boolean[] interrupts;
    private long moved;
    private boolean interruptRequested;

    private Prdt(long[] addresses, int[] counts, boolean[] interrupts) {
        this.addresses = addresses;
        this.counts = counts;
        this.interrupts = interrupts;
    }

    /** Reads {@code entries} entries at {@code address}; null when the table itself is not in memory. */
    static Prdt load(PhysicalMemory memory, long address, int entries) {
        byte[] raw = new byte[entries * ENTRY_SIZE];
        if (!memory.read(address, raw, 0, raw.length)) {
            return null;
        }
        long[] addresses = new long[entries];
        int[] counts = new int[entries];
        boolean[] interrupts = new boolean[entries];
        for (int i = 0; i < entries; i++) {
            int at = i * ENTRY_SIZE;
            addresses[i] = (Bytes.u32(raw, at) & ~1L) | Bytes.u32(raw, at + 4) << 32;
            int dw3 = Bytes.le32(raw, at + 12);
            counts[i] = ((dw3 & DBC_MASK) | 1) + 1;
            interrupts[i] = dw3 < 0;
        }
        return new Prdt(addresses, counts, interrupts);
    }

    /** Bytes moved by the last {@link #transfer}: what the HBA writes to the header's PRDBC. */
    long moved() {
        return moved;
    }

    /** True when an entry with its interrupt bit set was completed (PxIS.DPS). */
    boolean interruptRequested() {
        return interruptRequested;
    }

    /** Moves {@code total} bytes through the entries in order; nothing moves if they are too short. */
    Outcome transfer(PhysicalMemory memory, long total, Mover mover) {
        long capacity = 0;
        for (int count : counts) {
            capacity += count;
        }
        if (capacity < total) {
            return Outcome.TOO_SHORT;
        }
        moved = 0;
        try {
            for (int i = 0; i < counts.length && moved < total; i++) {
                int n = (int) Math.min(counts[i], total - moved);
                long[] position = {moved};
                boolean mapped = memory.access(addresses[i], n, (data, offset, length) -> {
                    mover.move(position[0], data, offset, length);
                    position[0] += length;
                });
                if (!mapped) {
                    return Outcome.UNMAPPED;
                }
                moved += n;
                interruptRequested |= interrupts[i];
            }
        } catch (IOException e) {
            return Outcome.DEVICE_ERROR;
        }
        return Outcome.DONE;
    }
}
