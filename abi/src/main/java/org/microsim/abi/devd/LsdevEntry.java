package org.microsim.abi.devd;

import java.util.ArrayList;
import java.util.List;
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

    /** The payload of an LSDEV reply: u16 count, then per entry depth u8, PortInfo (114 bytes), driver str, state str. */
    public static byte[] encodeList(List<LsdevEntry> entries) {
        WireWriter w = new WireWriter().u16(entries.size());
        for (LsdevEntry e : entries) {
            w.u8(e.depth).bytes(e.info.encode()).string(e.driver).string(e.state);
        }
        return w.toByteArray();
    }

    /**
     * Decodes an LSDEV reply payload.
     *
     * @throws MalformedException for a count that does not match the bytes or a bad entry
     */
    public static List<LsdevEntry> decodeList(byte[] bytes) throws MalformedException {
        WireReader r = new WireReader(bytes);
        int n = r.u16("entry count");
        List<LsdevEntry> out = new ArrayList<>(Math.min(n, 64));
        for (int i = 0; i < n; i++) {
            out.add(new LsdevEntry(r.u8("depth"), PortInfo.read(r), r.string("driver"), r.string("state")));
        }
        r.end("lsdev reply");
        return List.copyOf(out);
    }
}
