package org.microsim.services.httpd;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.microsim.abi.fs.FileStat;

/**
 * Response heads and the few bodies the server makes itself (error pages, directory listings). There is no Date
 * header: RFC 9110 section 6.6.1 says a server without a reliable clock must not send one, and the virtual clock
 * is no calendar.
 */
final class HttpResponses {
    static final String SERVER = "microsim-httpd";
    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(200, "OK"),
            Map.entry(206, "Partial Content"), Map.entry(301, "Moved Permanently"), Map.entry(400, "Bad Request"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
            Map.entry(416, "Range Not Satisfiable"), Map.entry(431, "Request Header Fields Too Large"),
            Map.entry(500, "Internal Server Error"), Map.entry(503, "Service Unavailable"),
            Map.entry(505, "HTTP Version Not Supported"));

    private HttpResponses() {
    }

    /** A response head; {@code extra} are more header lines, each without its CRLF. */
    static byte[] head(int status, String contentType, long length, boolean close, List<String> extra) {
        StringBuilder b = new StringBuilder();
        b.append("HTTP/1.1 ").append(status).append(' ').append(REASONS.getOrDefault(status, "Status")).append("\r\n");
        b.append("Server: ").append(SERVER).append("\r\n");
        if (contentType != null) {
            b.append("Content-Type: ").append(contentType).append("\r\n");
        }
        b.append("Content-Length: ").append(length).append("\r\n");
        extra.forEach(h -> b.append(h).append("\r\n"));
        if (close) {
            b.append("Connection: close\r\n");
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A small HTML page saying what went wrong. */
    static byte[] errorPage(int status, String why) {
        return ("<!DOCTYPE html>\n<title>" + status + " " + REASONS.getOrDefault(status, "") + "</title>\n<h1>"
                + status + " " + REASONS.getOrDefault(status, "") + "</h1>\n<p>" + escape(why) + "</p>\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A directory's listing: a link per entry, directories first and marked with a slash. */
    static byte[] listing(String urlPath, List<FileStat> entries) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<title>Index of ").append(escape(urlPath))
                .append("</title>\n<h1>Index of ").append(escape(urlPath)).append("</h1>\n<ul>\n");
        if (!urlPath.equals("/")) {
            b.append("<li><a href=\"../\">../</a></li>\n");
        }
        entries.stream().sorted((x, y) -> x.directory() != y.directory() ? (x.directory() ? -1 : 1)
                : x.name().compareTo(y.name())).forEach(e -> {
                    String name = e.name() + (e.directory() ? "/" : "");
                    b.append("<li><a href=\"").append(escapeUrl(name)).append("\">").append(escape(name))
                            .append("</a>").append(e.directory() ? "" : " " + e.size() + " bytes").append("</li>\n");
                });
        return b.append("</ul>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The Content-Type for a file name, by its extension. */
    static String contentType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        return switch (dot < 0 ? "" : lower.substring(dot + 1)) {
            case "txt", "md" -> "text/plain; charset=utf-8";
            case "html", "htm" -> "text/html; charset=utf-8";
            case "css" -> "text/css";
            case "js" -> "text/javascript";
            case "json" -> "application/json";
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "gif" -> "image/gif";
            case "svg" -> "image/svg+xml";
            default -> "application/octet-stream";
        };
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String escapeUrl(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c > 0x20 && c < 0x7f && "\"%<>?#\\^`{|}".indexOf(c) < 0) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }
}
