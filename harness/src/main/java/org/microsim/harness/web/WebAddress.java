package org.microsim.harness.web;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * Where the web view listens, from the words of {@code --web [HOST:]PORT}: 127.0.0.1 unless a host is given
 * (only an address asked for makes it reachable from elsewhere), port 8080 unless one is given.
 */
public final class WebAddress {
    /** Where the view listens when nothing is said. */
    public static final String DEFAULT = "127.0.0.1:8080";
    private static final int DEFAULT_PORT = 8080;

    /** An address that is not one, or cannot be listened on: the message says which and why, in one line. */
    public static final class BadAddress extends Exception {
        public BadAddress(String message) {
            super(message, null, false, false);
        }
    }

    private WebAddress() {
    }

    /** Whether {@code word} is an address ({@code PORT} or {@code HOST:PORT}) rather than the next argument. */
    public static boolean looksLikeOne(String word) {
        return word.matches("(\\[[0-9A-Fa-f:.]+\\]:|[A-Za-z0-9.-]+:)?[0-9]+");
    }

    static InetSocketAddress parse(String words) throws BadAddress {
        String text = words.isEmpty() ? DEFAULT : words;
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : text.substring(0, colon).replaceAll("^\\[|\\]$", "");
        String portWord = text.substring(colon + 1);
        int port;
        try {
            port = portWord.isEmpty() ? DEFAULT_PORT : Integer.parseInt(portWord);
        } catch (NumberFormatException e) {
            throw new BadAddress("'" + text + "' is not [HOST:]PORT (the port is a number)");
        }
        if (port < 0 || port > 65535) {
            throw new BadAddress("port " + port + " is not between 0 and 65535");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host.isEmpty() ? "127.0.0.1" : host), port);
        } catch (UnknownHostException e) {
            throw new BadAddress("no host named '" + host + "'");
        }
    }

    /** The {@code Host} names a browser uses for this address: both names of the loopback; none (any) for all. */
    static Set<String> hostNames(InetSocketAddress at) {
        InetAddress a = at.getAddress();
        if (a.isAnyLocalAddress()) {
            return Set.of();
        }
        if (a.isLoopbackAddress()) {
            return Set.of(show(at), "localhost:" + at.getPort());
        }
        return Set.of(show(at));
    }

    static String show(InetSocketAddress at) {
        String host = at.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + at.getPort();
    }

    static String why(Throwable cause) {
        if (cause instanceof BindException) {
            return "the port is in use (pick another with --web PORT)";
        }
        return cause == null || cause.getMessage() == null ? "it failed" : cause.getMessage();
    }
}
