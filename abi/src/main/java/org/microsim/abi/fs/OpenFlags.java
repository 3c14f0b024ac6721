package org.microsim.abi.fs;

import org.microsim.abi.MalformedException;
import org.microsim.abi.WireReader;

/**
 * The flags of an open request (a u32 bit set). READ and/or WRITE say what the handle may do; CREATE makes the
 * file when missing (with EXCLUSIVE: fails with {@link FsError#EXISTS} when present); TRUNCATE empties it;
 * APPEND makes every write go to the end whatever offset it names. CREATE, TRUNCATE and APPEND need WRITE.
 */
public final class OpenFlags {
    private OpenFlags() {
    }

    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int CREATE = 4;
    public static final int EXCLUSIVE = 8;
    public static final int TRUNCATE = 16;
    public static final int APPEND = 32;
    /** Every defined bit; others are an invalid request. */
    public static final int ALL = 63;

    /** Why {@code flags} are not a valid combination, or null when they are. */
    public static String problem(int flags) {
        if ((flags & ~ALL) != 0) {
            return "unknown open flags 0x" + Integer.toHexString(flags & ~ALL);
        }
        if ((flags & (READ | WRITE)) == 0) {
            return "open needs READ or WRITE";
        }
        if ((flags & (CREATE | TRUNCATE | APPEND)) != 0 && (flags & WRITE) == 0) {
            return "CREATE, TRUNCATE and APPEND need WRITE";
        }
        if ((flags & EXCLUSIVE) != 0 && (flags & CREATE) == 0) {
            return "EXCLUSIVE needs CREATE";
        }
        return null;
    }

    /**
     * Reads a u32 of flags and checks it.
     *
     * @throws MalformedException when the field is missing or the flags are not a valid combination
     */
    public static int read(WireReader r) throws MalformedException {
        int flags = r.i32("flags");
        String problem = problem(flags);
        if (problem != null) {
            throw new MalformedException(problem);
        }
        return flags;
    }
}
