package org.microsim.harness.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microsim.harness.console.Console;
import org.microsim.harness.script.Builtins;
import org.microsim.harness.script.CommandSet;

/**
 * The server as a browser and an attacker see it: on 127.0.0.1 unless asked, the page and the pinned graph library
 * from the jar, a command only from its own page's origin, the feed not to other origins, nothing for another
 * host name, and a clear one-line error for a port in use or an address that is none.
 */
class WebViewServerTest {
    private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
    private final HttpClient http = HttpClient.newHttpClient();
    private WebView view;
    private String origin;

    @BeforeEach
    void start() throws Exception {
        CommandSet commands = Builtins.commandSet();
        Console console = Console.onStreams(commands, InputStream.nullInputStream(), transcript, false);
        view = WebView.start("0", commands, Optional::empty, console::submit);
        origin = view.url().substring(0, view.url().length() - 1);
    }

    @AfterEach
    void stop() {
        view.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String line, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + "/command"))
                .POST(HttpRequest.BodyPublishers.ofString(line));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listensOnTheLoopbackByDefault() throws Exception {
        assertTrue(view.url().startsWith("http://127.0.0.1:"), view.url());
        assertEquals(new InetSocketAddress("127.0.0.1", 8080), WebAddress.parse(""));
        assertEquals(new InetSocketAddress("127.0.0.1", 9000), WebAddress.parse("9000"));
    }

    @Test
    void servesThePageAndTheGraphLibraryFromTheJar() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("/lib/cytoscape.min.js"), page.body());
        HttpResponse<String> library = get("/lib/cytoscape.min.js");
        assertEquals(200, library.statusCode());
        assertTrue(library.body().contains("Cytoscape Consortium"));
        assertEquals(404, get("/etc/passwd").statusCode());
    }

    @Test
    void runsACommandFromItsOwnPageAsTheConsoleWould() throws Exception {
        HttpResponse<String> answer = post("echo from the page", "Origin", origin);
        assertEquals(200, answer.statusCode());
        assertEquals("{\"ok\":true,\"output\":\"from the page\"}", answer.body());
        assertTrue(transcript.toString(StandardCharsets.UTF_8).contains("sim> echo from the page\nfrom the page"),
                transcript.toString(StandardCharsets.UTF_8));
        assertEquals("{\"ok\":false,\"output\":\"only a command that leaves the console open can be sent from here\"}",
                post("quit", "Origin", origin).body());
        assertTrue(post("echo \"open", "Origin", origin).body().contains("unterminated double quote"));
    }

    @Test
    void refusesCommandsAndTheFeedFromOtherOrigins() throws Exception {
        HttpResponse<String> foreign = post("echo hacked", "Origin", "http://evil.example");
        assertEquals(403, foreign.statusCode());
        assertEquals("requests from http://evil.example are refused\n", foreign.body());
        assertEquals(403, post("echo hacked").statusCode(), "a command without an Origin is no page's");
        assertEquals(403, post("echo hacked", "Origin", "http://localhost:1").statusCode());
        assertFalse(transcript.toString(StandardCharsets.UTF_8).contains("hacked"));
        assertEquals(403, get("/events", "Origin", "http://evil.example").statusCode());
    }

    @Test
    void answersOnlyToItsOwnHostName() throws IOException {
        int port = URI.create(view.url()).getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: rebound.example:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
        }
    }

    @Test
    void aPortInUseOrNoAddressIsAOneLineError() {
        String taken = Integer.toString(URI.create(view.url()).getPort());
        WebAddress.BadAddress inUse = assertThrows(WebAddress.BadAddress.class,
                () -> WebView.start(taken, Builtins.commandSet(), Optional::empty, line -> null));
        assertEquals("cannot listen on 127.0.0.1:" + taken + ": the port is in use (pick another with --web PORT)",
                inUse.getMessage());
        assertEquals("port 70000 is not between 0 and 65535",
                assertThrows(WebAddress.BadAddress.class, () -> WebAddress.parse("70000")).getMessage());
        assertEquals("'x:y' is not [HOST:]PORT (the port is a number)",
                assertThrows(WebAddress.BadAddress.class, () -> WebAddress.parse("x:y")).getMessage());
    }
}
