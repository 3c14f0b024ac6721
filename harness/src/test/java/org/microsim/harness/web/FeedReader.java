package org.microsim.harness.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A page's side of the feed, without a browser: reads the server-sent events of {@code /events} and rebuilds the
 * model from them alone, as app.js does.
 */
final class FeedReader implements AutoCloseable {
    /** One event: its id (the quiet point it follows), its name and its data lines. */
    record Event(long id, String name, List<String> lines) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Stream<String> body;
    private final Thread reader;
    private ViewModel model = ViewModel.EMPTY;
    private long seen = -1;

    FeedReader(String url) throws IOException, InterruptedException {
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url + "events")).build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new IOException("the feed answered " + response.statusCode());
        }
        body = response.body();
        reader = Thread.ofVirtual().start(this::read);
    }

    private void read() {
        long id = 0;
        String name = "";
        List<String> lines = new ArrayList<>();
        try {
            for (String line : (Iterable<String>) body::iterator) {
                if (line.isEmpty()) {
                    events.add(new Event(id, name, lines));
                    lines = new ArrayList<>();
                } else if (line.startsWith("id: ")) {
                    id = Long.parseLong(line.substring(4));
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    lines.add(line.substring(6));
                }
            }
        } catch (RuntimeException e) {
            // The connection closed: the test is over.
        }
    }

    /** Reads events until the one that follows quiet point {@code id}; the model as rebuilt from them. */
    ViewModel until(long id) throws InterruptedException {
        while (seen < id) {
            Event e = events.poll(60, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no event came for quiet point " + id + " (last was " + seen + ")");
            }
            model = (e.name().equals("reset") ? ViewModel.EMPTY : model).apply(e.lines());
            seen = e.id();
        }
        return model;
    }

    long seen() {
        return seen;
    }

    @Override
    public void close() {
        body.close();
        reader.interrupt();
    }
}
