package org.microsim.harness.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.microsim.harness.Commands;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.Session;
import org.microsim.harness.console.Console;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.Outcome;
import org.microsim.harness.session.SimSessionFactory;
import org.microsim.kernel.TraceEvent;

/**
 * The feed is the whole truth: a page that knows only what came over {@code /events} has, at every quiet point,
 * the model of the machine as it is (the demo machine, random console commands: crashes, restarts, stops, a stick
 * pulled out, a link pulled, sleeps). And the view is only a view: a run watched by a page is the run without it,
 * event for event.
 */
class WebFeedProperties {
    @Provide
    Arbitrary<List<String>> actions() {
        return Arbitraries.of("crash ahci", "crash vfs", "crash devd", "crash svcman", "restart partd@ahci0:disk0",
                "stop vfs", "start vfs", "usb detach msc0:", "link down eth0", "link up eth0", "sleep 250ms",
                "spawn echo").list().ofMinSize(1).ofMaxSize(5);
    }

    @Property(tries = 4)
    void theModelRebuiltFromTheFeedIsTheMachines(@ForAll("actions") List<String> actions) throws Exception {
        try (Session session = new SimSessionFactory().open(MachineOptions.defaults())) {
            CommandSet commands = Commands.of(session);
            Console console = Console.onStreams(commands, InputStream.nullInputStream(), OutputStream.nullOutputStream(),
                    false);
            long quiet = 1;
            try (WebView view = WebView.start("127.0.0.1:0", commands, session::view, console::submit);
                    FeedReader feed = new FeedReader(view.url())) {
                assertEquals(ViewModel.EMPTY, feed.until(quiet), "before boot the page shows nothing");
                for (String action : List.of("boot", String.join(";", actions))) {
                    for (String line : action.split(";")) {
                        console.submit(line);
                        ViewModel rebuilt = feed.until(++quiet);
                        assertEquals(ViewModel.of(session.view().orElseThrow()), rebuilt, "after " + line);
                        agreesWithTheConsole(rebuilt, console);
                        quiet += 3; // the three listings below are quiet points too
                    }
                }
            }
        }
    }

    /** What the model says agrees with what ps, services and lsdev say, each asked through its own path. */
    private static void agreesWithTheConsole(ViewModel model, Console console) {
        assertEquals(rows(output(console, "ps"), 0, 3), model.entities().entrySet().stream()
                .filter(e -> e.getKey().startsWith("task/")).map(e -> field(e.getValue(), "id") + " "
                        + field(e.getValue(), "state")).collect(Collectors.toCollection(TreeSet::new)), "ps");
        assertEquals(rows(output(console, "services"), 0, 1), model.entities().entrySet().stream()
                .filter(e -> e.getKey().startsWith("svc/")).map(e -> field(e.getValue(), "name") + " "
                        + field(e.getValue(), "state")).collect(Collectors.toCollection(TreeSet::new)), "services");
        Set<String> ports = rows(output(console, "lsdev"), 0, 0);
        assertEquals(ports, model.entities().keySet().stream().filter(k -> k.startsWith("dev/"))
                .map(k -> k.substring(4) + " " + k.substring(4)).collect(Collectors.toCollection(TreeSet::new)),
                "lsdev");
    }

    private static String output(Console console, String command) {
        Outcome outcome = console.submit(command);
        assertTrue(outcome instanceof Outcome.Success, command + ": " + outcome.text());
        return outcome.text();
    }

    /** Two columns of each line of a listing (the header of ps left out), as "a b". */
    private static Set<String> rows(String listing, int first, int second) {
        return listing.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("ID "))
                .map(l -> l.split("\\s+")).map(w -> w[first] + " " + w[second])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A string field of one of the model's JSON objects (the model's own fields hold no escaped quotes here). */
    private static String field(String json, String name) {
        String from = json.substring(json.indexOf("\"" + name + "\":\"") + name.length() + 4);
        return from.substring(0, from.indexOf('"'));
    }

    @Test
    void watchingDoesNotChangeTheRun() throws Exception {
        List<String> scenario = List.of("boot", "crash ahci", "usb detach msc0:", "sleep 1s", "crash vfs");
        assertEquals(events(scenario, false), events(scenario, true));
    }

    private static List<TraceEvent> events(List<String> scenario, boolean watched) throws Exception {
        try (Session session = new SimSessionFactory().open(MachineOptions.defaults())) {
            CommandSet commands = Commands.of(session);
            Console console = Console.onStreams(commands, InputStream.nullInputStream(), OutputStream.nullOutputStream(),
                    false);
            WebView view = watched ? WebView.start("127.0.0.1:0", commands, session::view, console::submit) : null;
            try (FeedReader feed = watched ? new FeedReader(view.url()) : null) {
                for (String line : scenario) {
                    console.submit(line);
                }
                if (feed != null) {
                    feed.until(scenario.size() + 1);
                }
            } finally {
                if (view != null) {
                    view.close();
                }
            }
            return session.trace();
        }
    }
}
