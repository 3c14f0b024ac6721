package org.microsim.drivers.fatfsd;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;

/**
 * FAT names: validation of long names, 8.3 short names (stored form, display form with the NT case bits),
 * basis-name generation with numeric tails, and the VFAT long-name entries with their checksum.
 *
 * <p>Short-name generation follows the Microsoft specification's basis-name algorithm: upper-case, replace
 * what a short name cannot hold by '_' (a lossy conversion), drop spaces and leading periods, take up to 8
 * characters before the last period and up to 3 after it, and add a numeric tail "~N" when the conversion was
 * lossy, the name did not fit 8.3, or the basis is taken. As Windows does, after ~1..~4 the basis is replaced
 * by two characters and four hex digits of a hash of the long name, so that thousands of similar names do not
 * each try thousands of tails; a plain counter up to ~999999 is the last resort. Only ASCII goes into short
 * names (the OEM code page of the volume is unknown), so every other character is lossy.
 */
final class Names {
    static final int MAX_LONG = 255;
    static final int LFN_CHARS = 13;
    private static final String SHORT_SPECIAL = "$%'-_@~`!(){}^#&";
    private static final String LONG_FORBIDDEN = "\"*/:<>?\\|";
    private static final String SHORT_LOSSY = "+,;=[]";
    private static final int[] LFN_OFFSETS = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

    private Names() {
    }

    /** The key under which a name is found: FAT compares names case-insensitively. */
    static String key(String name) {
        return name.toUpperCase(Locale.ROOT);
    }

    /**
     * Checks a name for a new directory entry.
     *
     * @throws FsException INVALID_NAME or NAME_TOO_LONG
     */
    static void validate(String name) throws FsException {
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new FsException(FsError.INVALID_NAME, "invalid name \"" + name + "\"");
        }
        if (name.length() > MAX_LONG) {
            throw new FsException(FsError.NAME_TOO_LONG, "name of " + name.length()
                    + " UTF-16 units is longer than " + MAX_LONG);
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < 0x20 || LONG_FORBIDDEN.indexOf(ch) >= 0) {
                throw new FsException(FsError.INVALID_NAME, "name \"" + name.replaceAll("\\p{Cntrl}", "?")
                        + "\" contains the character U+" + String.format("%04X", (int) ch)
                        + ", which FAT does not allow");
            }
        }
        char last = name.charAt(name.length() - 1);
        if (last == ' ' || last == '.') {
            throw new FsException(FsError.INVALID_NAME, "name \"" + name + "\" ends with a space or a period");
        }
    }

    private static boolean shortChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || SHORT_SPECIAL.indexOf(c) >= 0;
    }

    /**
     * The short entry name and NT case bits when {@code name} can be stored without a long name (8.3, each
     * part all upper or all lower case), or null.
     */
    static ShortForm exact(String name) {
        int dot = name.indexOf('.');
        if (dot != name.lastIndexOf('.') || dot == 0) {
            return null;
        }
        String base = dot < 0 ? name : name.substring(0, dot);
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        if (base.isEmpty() || base.length() > 8 || ext.length() > 3 || dot >= 0 && ext.isEmpty()) {
            return null;
        }
        int baseCase = caseOf(base);
        int extCase = caseOf(ext);
        if (baseCase < 0 || extCase < 0) {
            return null;
        }
        byte[] raw = pad(key(base), key(ext));
        if ((raw[0] & 0xff) == 0xE5) {
            return null;
        }
        return new ShortForm(raw, (baseCase == 1 ? 0x08 : 0) | (extCase == 1 ? 0x10 : 0));
    }

    /** 0 all upper (or no letters), 1 all lower, -1 mixed or not a short-name character. */
    private static int caseOf(String part) {
        boolean upper = false;
        boolean lower = false;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (!shortChar(c)) {
                return -1;
            }
        }
        return upper && lower ? -1 : lower ? 1 : 0;
    }

    /** A stored short name (11 bytes, space padded) and the NT reserved byte's case bits. */
    record ShortForm(byte[] raw, int caseBits) {
    }

    /**
     * Generates the short name for {@code longName} that is not in {@code taken} (stored forms as ISO-8859-1
     * strings).
     *
     * @throws FsException EXISTS when every tail is taken
     */
    static byte[] generate(String longName, Set<String> taken) throws FsException {
        boolean lossy = false;
        StringBuilder clean = new StringBuilder();
        String upper = key(longName);
        for (int i = 0; i < upper.length(); i++) {
            char c = upper.charAt(i);
            if (c == ' ') {
                lossy = true;
            } else if (c == '.' || shortChar(c)) {
                clean.append(c);
            } else {
                clean.append('_');
                lossy = true;
            }
        }
        while (!clean.isEmpty() && clean.charAt(0) == '.') {
            clean.deleteCharAt(0);
            lossy = true;
        }
        int lastDot = clean.lastIndexOf(".");
        String base = (lastDot < 0 ? clean.toString() : clean.substring(0, lastDot)).replace(".", "");
        String ext = lastDot < 0 ? "" : clean.substring(lastDot + 1);
        if (base.isEmpty()) {
            base = "_";
        }
        boolean fits = base.length() <= 8 && ext.length() <= 3 && !lossy
                && (lastDot < 0 || clean.indexOf(".") == lastDot);
        base = base.length() > 8 ? base.substring(0, 8) : base;
        ext = ext.length() > 3 ? ext.substring(0, 3) : ext;
        if (fits && !taken.contains(asKey(pad(base, ext)))) {
            return pad(base, ext);
        }
        for (int n = 1; n <= 4; n++) {
            byte[] candidate = withTail(base, ext, n);
            if (!taken.contains(asKey(candidate))) {
                return candidate;
            }
        }
        String hashed = base.substring(0, Math.min(2, base.length()))
                + String.format("%04X", longName.hashCode() & 0xFFFF);
        for (int n = 1; n <= 9; n++) {
            byte[] candidate = withTail(hashed, ext, n);
            if (!taken.contains(asKey(candidate))) {
                return candidate;
            }
        }
        for (int n = 5; n <= 999_999; n++) {
            byte[] candidate = withTail(base, ext, n);
            if (!taken.contains(asKey(candidate))) {
                return candidate;
            }
        }
        throw new FsException(FsError.EXISTS, "no free short name for \"" + longName + "\"");
    }

    private static byte[] withTail(String base, String ext, int n) {
        String tail = "~" + n;
        String b = base.length() + tail.length() > 8 ? base.substring(0, 8 - tail.length()) : base;
        return pad(b + tail, ext);
    }

    private static byte[] pad(String base, String ext) {
        byte[] raw = "           ".getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = base.getBytes(StandardCharsets.ISO_8859_1);
        byte[] e = ext.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, raw, 0, b.length);
        System.arraycopy(e, 0, raw, 8, e.length);
        return raw;
    }

    /** A stored short name as a set key. */
    static String asKey(byte[] raw) {
        return new String(raw, 0, 11, StandardCharsets.ISO_8859_1);
    }

    /** The stored short name at {@code off} in display form ("README.TXT", "readme.txt" with case bits). */
    static String display(byte[] entry, int off) {
        byte[] name = new byte[11];
        System.arraycopy(entry, off, name, 0, 11);
        if ((name[0] & 0xff) == 0x05) {
            name[0] = (byte) 0xE5;
        }
        int ntRes = entry[off + 12] & 0xff;
        String base = new String(name, 0, 8, StandardCharsets.ISO_8859_1).stripTrailing();
        String ext = new String(name, 8, 3, StandardCharsets.ISO_8859_1).stripTrailing();
        if ((ntRes & 0x08) != 0) {
            base = base.toLowerCase(Locale.ROOT);
        }
        if ((ntRes & 0x10) != 0) {
            ext = ext.toLowerCase(Locale.ROOT);
        }
        return ext.isEmpty() ? base : base + "." + ext;
    }

    /** The VFAT checksum of the 11-byte short name at {@code off}. */
    static int checksum(byte[] b, int off) {
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum = (((sum & 1) << 7) + (sum >>> 1) + (b[off + i] & 0xff)) & 0xff;
        }
        return sum;
    }

    /** How many long-name entries {@code name} needs. */
    static int lfnCount(String name) {
        return (name.length() + LFN_CHARS - 1) / LFN_CHARS;
    }

    /** Writes the long-name entries for {@code name} at {@code off}, in on-disk order (last part first). */
    static void writeLfn(byte[] dst, int off, String name, int checksum) {
        int n = lfnCount(name);
        for (int i = 0; i < n; i++) {
            int ordinal = n - i;
            int e = off + i * 32;
            Arrays.fill(dst, e, e + 32, (byte) 0);
            dst[e] = (byte) (ordinal | (ordinal == n ? 0x40 : 0));
            dst[e + 11] = 0x0F;
            dst[e + 13] = (byte) checksum;
            for (int k = 0; k < LFN_CHARS; k++) {
                int idx = (ordinal - 1) * LFN_CHARS + k;
                int ch = idx < name.length() ? name.charAt(idx) : idx == name.length() ? 0 : 0xFFFF;
                Le.put16(dst, e + LFN_OFFSETS[k], ch);
            }
        }
    }

    /** Appends the characters of the long-name entry at {@code off} to {@code sb}, up to its terminator. */
    static void readLfnPart(byte[] src, int off, StringBuilder sb) {
        for (int k = 0; k < LFN_CHARS; k++) {
            int ch = Le.u16(src, off + LFN_OFFSETS[k]);
            if (ch == 0) {
                return;
            }
            sb.append((char) ch);
        }
    }
}
