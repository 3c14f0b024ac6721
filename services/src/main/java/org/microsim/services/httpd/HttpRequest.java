package org.microsim.services.httpd;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed HTTP/1.x request head (RFC 9112): method, the decoded path of its target (the query dropped),
 * version, and headers by lower-case name (a repeated header's values joined with ", ", as RFC 9110 section 5.3
 * allows for the ones this server reads).
 */
record HttpRequest(String method, String path, int minorVersion, Map<String, String> headers) {
    HttpRequest {
        headers = Map.copyOf(headers);
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * Whether the connection stays open after the response: HTTP/1.1 unless the client says {@code close},
     * HTTP/1.0 only when it asks for {@code keep-alive}.
     */
    boolean keepAlive() {
        String connection = header("connection").orElse("").toLowerCase(Locale.ROOT);
        return minorVersion >= 1 ? !connection.contains("close") : connection.contains("keep-alive");
    }
}
