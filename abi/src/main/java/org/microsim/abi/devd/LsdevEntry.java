package org.microsim.abi.devd;

import org.microsim.abi.MalformedException;
import org.microsim.abi.PortInfo;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * One line of {@code lsdev}: a port at its depth in the tree (0 for a root), the driver bound to it
 * ({@code -} for none, {@code none} when a rule says no driver) and that driver's state ({@code -} when there is
 * no driver).
 */
public record LsdevEntry(int depth, PortInfo info, String driver, String state) {
    private static final int MAX_DEPTH = 255;

    /** Validates the depth. */
    public LsdevEntry {
        if (depth < 0 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("depth " + depth + " is outside 0.." + MAX_DEPTH);
        }
    }

    /** Appends the wire form: depth u8, PortInfo (114 bytes), driver str, state str. */
    public void write(WireWriter w) {
        w.u8(depth).bytes(info.encode()).string(driver).string(state);
    }

    /**
     * Reads the wire form.
     *
     * @throws MalformedException for a short buffer or a bad PortInfo
     */
    public static LsdevEntry read(WireReader r) throws MalformedException {
        return new LsdevEntry(r.u8("depth"), PortInfo.read(r), r.string("driver"), r.string("state"));
    }
}
