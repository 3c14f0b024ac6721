package org.microsim.drivers.fatfsd;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * Timestamps for directory entries from virtual time: the kernel clock's nanoseconds since boot added to a
 * fixed boot instant (by default 2026-01-01T00:00:00), never the host's wall clock. FAT stores local time with
 * 2-second resolution (creation time adds tenths), dates from 1980 to 2107; times outside are clamped.
 */
public final class FatClock {
    /** The boot instant used when none is configured. */
    public static final LocalDateTime DEFAULT_BOOT = LocalDateTime.of(2026, 1, 1, 0, 0, 0);
    private static final LocalDateTime MIN = LocalDateTime.of(1980, 1, 1, 0, 0, 0);
    private static final LocalDateTime MAX = LocalDateTime.of(2107, 12, 31, 23, 59, 58);

    private final LongSupplier nanosSinceBoot;
    private final LocalDateTime boot;

    /** A clock reading {@code nanosSinceBoot} from the kernel, with the boot at {@code boot}. */
    public FatClock(LongSupplier nanosSinceBoot, LocalDateTime boot) {
        this.nanosSinceBoot = nanosSinceBoot;
        this.boot = boot;
    }

    /** A clock reading {@code nanosSinceBoot} from the kernel, with the boot at {@link #DEFAULT_BOOT}. */
    public FatClock(LongSupplier nanosSinceBoot) {
        this(nanosSinceBoot, DEFAULT_BOOT);
    }

    /** An encoded FAT date, time and tenths of creation time (0..199, units of 10 ms). */
    record Stamp(int date, int time, int tenths) {
    }

    Stamp now() {
        LocalDateTime t = boot.plusNanos(Math.max(0, nanosSinceBoot.getAsLong()));
        if (t.isBefore(MIN)) {
            t = MIN;
        } else if (t.isAfter(MAX)) {
            t = MAX;
        }
        int date = (t.getYear() - 1980) << 9 | t.getMonthValue() << 5 | t.getDayOfMonth();
        int time = t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() / 2;
        int tenths = (t.getSecond() % 2) * 100 + t.getNano() / 10_000_000;
        return new Stamp(date, time, tenths);
    }

    /** Seconds since 1970-01-01T00:00 (local) of a FAT date and time; 0 when the fields are not a date. */
    static long epochSeconds(int date, int time) {
        try {
            LocalDateTime t = LocalDateTime.of(1980 + (date >>> 9), (date >>> 5) & 0xF, date & 0x1F,
                    time >>> 11, (time >>> 5) & 0x3F, (time & 0x1F) * 2);
            return t.toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return 0;
        }
    }
}
