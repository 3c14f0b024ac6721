package org.microsim.services.httpd;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads request heads from a connection's bytes as they come (RFC 9112 sections 2 to 5): the request line, header
 * fields up to the empty line, with the limits a small server needs so that a client cannot make it hold
 * unbounded memory. Bytes after a head (the next pipelined request) stay for the next call.
 *
 * <pre>
 *   feed(bytes) ─▶ buffer ─▶ CRLF CRLF seen? ─ no ─▶ null (more, please), or 431 when the head is too long
 *                                         └ yes ─▶ request line, headers ─▶ HttpRequest, or an HttpError (400, 501,
 *                                                                            505) naming what is wrong
 * </pre>
 *
 * A request with a body (Content-Length other than 0, or Transfer-Encoding) is refused with 400: GET and HEAD have
 * none, and this server has no use for one. Bare LF line ends are accepted, as RFC 9112 section 2.2 lets a
 * recipient do.
 */
final class HttpParser {
    /** The longest head taken: 16 KiB, as many servers' default. */
    static final int MAX_HEAD = 16 * 1024;
    static final int MAX_HEADERS = 100;

    /** A request that cannot be served, with the status that says why. */
    static final class HttpError extends Exception {
        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    /** Adds bytes that came; the next whole request head, or null when more are needed. */
    HttpRequest feed(byte[] bytes, int offset, int length) throws HttpError {
        buffer.write(bytes, offset, length);
        return next();
    }

    /** The next whole request head already buffered (pipelining), or null. */
    HttpRequest next() throws HttpError {
        byte[] all = buffer.toByteArray();
        int end = headEnd(all);
        if (end < 0) {
            if (all.length > MAX_HEAD) {
                throw new HttpError(431, "the request head is longer than " + MAX_HEAD + " bytes");
            }
            return null;
        }
        buffer.reset();
        buffer.write(all, end, all.length - end);
        return parse(new String(all, 0, end, StandardCharsets.ISO_8859_1));
    }

    /** Whether a partial request is buffered (the peer closed in the middle of one). */
    boolean partial() {
        return buffer.size() > 0;
    }

    /** Where the head ends (just past its empty line), or -1. */
    private static int headEnd(byte[] b) {
        int limit = Math.min(b.length, MAX_HEAD + 4);
        for (int i = 0; i < limit; i++) {
            if (b[i] == '\n' && (i + 1 < b.length && b[i + 1] == '\n'
                    || i + 2 < b.length && b[i + 1] == '\r' && b[i + 2] == '\n')) {
                return b[i + 1] == '\n' ? i + 2 : i + 3;
            }
        }
        return -1;
    }

    private static HttpRequest parse(String head) throws HttpError {
        String[] lines = head.split("\r?\n");
        int first = 0;
        while (first < lines.length && lines[first].isEmpty()) {
            first++; // RFC 9112 2.2: ignore empty lines before the request line
        }
        if (first == lines.length) {
            throw new HttpError(400, "no request line");
        }
        String[] parts = lines[first].split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new HttpError(400, "the request line is not METHOD TARGET VERSION");
        }
        if (!parts[0].chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            throw new HttpError(400, "the method is not a token");
        }
        int minor = switch (parts[2]) {
            case "HTTP/1.1" -> 1;
            case "HTTP/1.0" -> 0;
            default -> throw new HttpError(parts[2].startsWith("HTTP/") ? 505 : 400, "version " + parts[2]
                    + " is not HTTP/1.0 or HTTP/1.1");
        };
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = first + 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(colon - 1) == ' ' || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new HttpError(400, "header line '" + line + "' is not NAME: VALUE");
            }
            if (headers.size() >= MAX_HEADERS) {
                throw new HttpError(431, "more than " + MAX_HEADERS + " header fields");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        if (minor == 1 && !headers.containsKey("host")) {
            throw new HttpError(400, "an HTTP/1.1 request needs a Host header");
        }
        if (headers.containsKey("transfer-encoding") || !headers.getOrDefault("content-length", "0").equals("0")) {
            throw new HttpError(400, "this server takes no request bodies");
        }
        return new HttpRequest(parts[0], path(parts[1]), minor, headers);
    }

    /** The target's path, percent-decoded, with {@code .} and {@code ..} resolved; never above the root. */
    static String path(String target) throws HttpError {
        String t = target;
        if (t.startsWith("http://") || t.startsWith("https://")) {
            int slash = t.indexOf('/', t.indexOf("//") + 2);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        if (!t.startsWith("/")) {
            throw new HttpError(400, "the target '" + target + "' is not a path");
        }
        int q = t.indexOf('?');
        if (q >= 0) {
            t = t.substring(0, q);
        }
        String decoded = percentDecode(t);
        StringBuilder out = new StringBuilder();
        java.util.ArrayDeque<String> segments = new java.util.ArrayDeque<>();
        for (String seg : decoded.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (segments.isEmpty()) {
                    throw new HttpError(400, "the path climbs above the root");
                }
                segments.removeLast();
            } else {
                segments.add(seg);
            }
        }
        segments.forEach(s -> out.append('/').append(s));
        if (decoded.endsWith("/") && !segments.isEmpty()) {
            out.append('/');
        }
        return out.isEmpty() ? "/" : out.toString();
    }

    private static String percentDecode(String s) throws HttpError {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
                        || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw new HttpError(400, "a bad percent escape in the path");
                }
                int v = Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16);
                if (v == 0) {
                    throw new HttpError(400, "a NUL in the path");
                }
                b.write(v);
                i += 2;
            } else if (c < 0x21 || c > 0x7e) {
                throw new HttpError(400, "a control or non-ASCII character in the path");
            } else {
                b.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new HttpError(400, "the path is not UTF-8");
        }
    }
}
