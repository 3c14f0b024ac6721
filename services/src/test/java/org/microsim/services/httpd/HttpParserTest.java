package org.microsim.services.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Request heads as curl and browsers send them, byte by byte, pipelined, and broken. */
class HttpParserTest {
    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Example
    void curlsRequestParsesEvenByteByByte() throws Exception {
        byte[] head = bytes("GET /ahci0:disk0p1/README.TXT HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
                + "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n");
        HttpParser p = new HttpParser();
        HttpRequest r = null;
        for (int i = 0; i < head.length; i++) {
            assertNull(r, "complete only at the end");
            r = p.feed(head, i, 1);
        }
        assertEquals("GET", r.method());
        assertEquals("/ahci0:disk0p1/README.TXT", r.path());
        assertEquals("127.0.0.1:8080", r.header("Host").orElseThrow());
        assertTrue(r.keepAlive());
        assertFalse(p.partial());
    }

    @Example
    void pipelinedRequestsComeOneAfterAnother() throws Exception {
        HttpParser p = new HttpParser();
        byte[] two = bytes("HEAD /a HTTP/1.1\nHost: x\n\nGET /b%20c?q=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        HttpRequest a = p.feed(two, 0, two.length);
        assertEquals("HEAD", a.method());
        HttpRequest b = p.next();
        assertEquals("/b c", b.path());
        assertEquals(0, b.minorVersion());
        assertTrue(b.keepAlive());
        assertNull(p.next());
    }

    @Example
    void pathsAreNormalisedAndNeverClimbAboveTheRoot() throws Exception {
        assertEquals("/a/c", HttpParser.path("/a/./b/../c"));
        assertEquals("/a/", HttpParser.path("/a//"));
        assertEquals("/", HttpParser.path("/"));
        assertEquals("/x", HttpParser.path("http://host:80/x"));
        assertEquals(400, assertThrows(HttpParser.HttpError.class, () -> HttpParser.path("/../etc")).status);
        assertEquals(400, assertThrows(HttpParser.HttpError.class, () -> HttpParser.path("/%2e%2e/x")).status);
        assertEquals(400, assertThrows(HttpParser.HttpError.class, () -> HttpParser.path("/a%zz")).status);
        assertEquals(400, assertThrows(HttpParser.HttpError.class, () -> HttpParser.path("/a%00")).status);
    }

    @Example
    void brokenRequestsSayWhy() {
        assertEquals(400, error("GET /\r\n\r\n"));
        assertEquals(505, error("GET / HTTP/2.0\r\n\r\n"));
        assertEquals(400, error("GET / HTTP/1.1\r\n\r\n"), "no Host");
        assertEquals(400, error("GET / HTTP/1.1\r\nHost: x\r\n bad\r\n\r\n"));
        assertEquals(400, error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n"));
        assertEquals(431, error("GET / HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(HttpParser.MAX_HEAD) + "\r\n\r\n"));
    }

    private static int error(String head) {
        byte[] b = bytes(head);
        return assertThrows(HttpParser.HttpError.class, () -> new HttpParser().feed(b, 0, b.length)).status;
    }

    @Property(tries = 300)
    void garbageNeverThrowsAnythingElse(@ForAll byte[] junk) {
        try {
            HttpParser p = new HttpParser();
            p.feed(junk, 0, junk.length);
            while (p.next() != null) {
                // drain
            }
        } catch (HttpParser.HttpError e) {
            assertTrue(e.status >= 400 && e.status < 600);
        }
    }

    @Example
    void rangesAsRfc9110Says() {
        assertEquals(new ByteRange(0, 99), ByteRange.parse("bytes=0-99", 1000));
        assertEquals(new ByteRange(900, 999), ByteRange.parse("bytes=900-", 1000));
        assertEquals(new ByteRange(900, 999), ByteRange.parse("bytes=-100", 1000));
        assertEquals(new ByteRange(0, 999), ByteRange.parse("bytes=-5000", 1000));
        assertEquals(new ByteRange(10, 999), ByteRange.parse("bytes=10-5000", 1000));
        assertEquals(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=1000-", 1000));
        assertNull(ByteRange.parse("bytes=0-1,5-6", 1000), "several ranges: the whole file");
        assertNull(ByteRange.parse("items=0-1", 1000));
        assertNull(ByteRange.parse("bytes=9-3", 1000));
        assertNull(ByteRange.parse("bytes=-", 1000));
    }
}
