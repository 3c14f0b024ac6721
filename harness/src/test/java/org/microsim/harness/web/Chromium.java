package org.microsim.harness.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.microsim.harness.trace.JsonText;
import org.microsim.hosttools.HostTools;

/**
 * A headless Chromium showing one page, driven over the DevTools protocol (a WebSocket of JSON commands) as a
 * person would: evaluate script in the page to read the DOM or click, and take screenshots. Only what the web
 * view's test needs.
 */
final class Chromium implements AutoCloseable {
    private static final Pattern PAGE_SOCKET = Pattern.compile(
            "\"type\":\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\":\\s*\"(ws://[^\"]+)\"");
    private static final Pattern STRING_VALUE = Pattern.compile("\"value\":\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern DATA = Pattern.compile("\"data\":\"([^\"]+)\"");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** Chromium (Debian's package) showing {@code url}, at a size that fits the whole page. */
    static Chromium open(String url) throws IOException, InterruptedException {
        Path binary = HostTools.find("chromium").orElseThrow();
        Path profile = Files.createTempDirectory("sim-chromium");
        Process process = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "--window-size=1600,1500", url)
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        String list = "";
        for (int i = 0; i < 300 && !PAGE_SOCKET.matcher(list).find(); i++) {
            if (!process.isAlive()) {
                throw new IOException("chromium ended: " + Files.readString(profile.resolve("chromium.log")));
            }
            Thread.sleep(100);
            if (Files.exists(portFile) && !Files.readAllLines(portFile).isEmpty()) {
                String port = Files.readAllLines(portFile).getFirst();
                list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
        }
        Matcher page = PAGE_SOCKET.matcher(list);
        if (!page.find()) {
            process.destroyForcibly();
            throw new IOException("chromium showed no page to drive");
        }
        Chromium[] self = new Chromium[1];
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(page.group(1)), new WebSocket.Listener() {
                    private final StringBuilder message = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        message.append(data);
                        if (last) {
                            self[0].answer(message.toString());
                            message.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }
                }).join();
        self[0] = new Chromium(process, profile, socket);
        return self[0];
    }

    private void answer(String json) {
        Matcher id = Pattern.compile("^\\{\"id\":(\\d+)").matcher(json);
        if (id.find()) {
            CompletableFuture<String> waiting = pending.remove(Integer.parseInt(id.group(1)));
            if (waiting != null) {
                waiting.complete(json);
            }
        }
    }

    private String send(String method, String params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<String> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true).join();
        return answer.get(60, TimeUnit.SECONDS);
    }

    /** Evaluates {@code expression} in the page; its value made a string ({@code String(...)}). */
    String eval(String expression) throws Exception {
        String answer = send("Runtime.evaluate", "{\"expression\":" + JsonText.quote("String(" + expression + ")")
                + ",\"returnByValue\":true}");
        Matcher value = STRING_VALUE.matcher(answer);
        if (!value.find() || answer.contains("\"exceptionDetails\"")) {
            throw new AssertionError("the page could not evaluate " + expression + ": " + answer);
        }
        return unescape(value.group(1));
    }

    /**
     * Evaluates {@code expression} until its value passes {@code test}; the value. Gives up with the last value
     * after a minute, which a page that works never needs (it changes within a second of the feed).
     */
    String until(String expression, Predicate<String> test) throws Exception {
        String value = "";
        for (int i = 0; i < 600; i++) {
            try {
                value = eval(expression);
            } catch (AssertionError notYet) {
                // The page's script may not have run yet (a ReferenceError for its graphs): try again.
                value = notYet.getMessage();
                Thread.sleep(100);
                continue;
            }
            if (test.test(value)) {
                return value;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the page never showed what was awaited: " + expression + " is " + value);
    }

    /** Saves a PNG screenshot of the page. */
    void screenshot(Path file) throws Exception {
        Matcher data = DATA.matcher(send("Page.captureScreenshot", "{\"format\":\"png\"}"));
        if (!data.find()) {
            throw new AssertionError("chromium took no screenshot");
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(data.group(1)));
    }

    private static String unescape(String json) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = json.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'u' -> {
                    out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    @Override
    public void close() throws IOException {
        socket.abort();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Chromium's helpers may still hold a file for a moment: a temporary directory left behind is harmless.
        }
    }
}
