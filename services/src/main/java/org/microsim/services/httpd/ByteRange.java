package org.microsim.services.httpd;

/**
 * One byte range of a file, from a Range header (RFC 9110 section 14): {@code bytes=FIRST-LAST}, {@code
 * bytes=FIRST-} or {@code bytes=-SUFFIX}. A header this server does not honour (another unit, several ranges,
 * nonsense) means the whole file, as the RFC allows a server to ignore Range; one that cannot be satisfied (it
 * starts past the end) is {@link #UNSATISFIABLE}, answered with 416.
 *
 * @param first the first byte
 * @param last  the last byte, inclusive
 */
record ByteRange(long first, long last) {
    /** The range starts past the end of the file. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    long length() {
        return last - first + 1;
    }

    /** The range of a file of {@code size} bytes that {@code header} asks for: null for the whole file. */
    static ByteRange parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return null;
        }
        String spec = header.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0 || !spec.substring(0, dash).matches("[0-9]{0,18}")
                || !spec.substring(dash + 1).matches("[0-9]{0,18}") || dash == 0 && dash == spec.length() - 1) {
            return null;
        }
        String a = spec.substring(0, dash);
        String b = spec.substring(dash + 1);
        if (a.isEmpty()) {
            long suffix = Long.parseLong(b);
            if (suffix == 0 || size == 0) {
                return UNSATISFIABLE;
            }
            return new ByteRange(Math.max(0, size - suffix), size - 1);
        }
        long first = Long.parseLong(a);
        long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
        if (!b.isEmpty() && Long.parseLong(b) < first) {
            return null; // an invalid range: ignored, the whole file
        }
        return first >= size ? UNSATISFIABLE : new ByteRange(first, last);
    }
}
