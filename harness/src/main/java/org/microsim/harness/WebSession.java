package org.microsim.harness;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import org.microsim.harness.console.Console;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.web.WebAddress;
import org.microsim.harness.web.WebView;

/**
 * The web view of a session as {@code sim --web} runs it: the page's commands are shown in the console while one
 * is open (typed there, as it were: prompt, output, history), else in the output of {@code sim run} or
 * {@code sim boot}, formatted as the console does.
 */
final class WebSession implements AutoCloseable {
    private final Console transcript;
    private volatile Console shown;
    private WebView view;

    private WebSession(Console transcript) {
        this.transcript = transcript;
        this.shown = transcript;
    }

    /** Serves the session's view at {@code address}. */
    static WebSession start(String address, CommandSet commands, Session session, PrintStream out, boolean debug)
            throws WebAddress.BadAddress {
        Console transcript;
        try {
            // The transcript's terminal closes its stream when closed; sim's output stays open for what follows.
            transcript = Console.onStreams(commands, InputStream.nullInputStream(), new FilterOutputStream(out) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            }, debug);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        WebSession web = new WebSession(transcript);
        try {
            web.view = WebView.start(address, commands, session::view, line -> web.shown.submit(line));
        } catch (WebAddress.BadAddress e) {
            web.closeTranscript();
            throw e;
        }
        return web;
    }

    /** Shows the page's commands in {@code console}, or in the output again when null. */
    void showIn(Console console) {
        shown = console == null ? transcript : console;
    }

    String url() {
        return view.url();
    }

    /** Serves until the process is ended (Ctrl-C). */
    void hold() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        view.close();
        closeTranscript();
    }

    private void closeTranscript() {
        try {
            transcript.close();
        } catch (IOException e) {
            // Nothing was written that a failed close could lose: each command's output is flushed.
        }
    }
}
