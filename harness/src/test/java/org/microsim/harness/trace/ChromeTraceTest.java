package org.microsim.harness.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.abi.TaskId;
import org.microsim.kernel.TraceEvent;
import org.microsim.kernel.TraceEvent.Kind;

class ChromeTraceTest {
    private static final TaskId INIT = new TaskId(1, 0);
    private static final TaskId AHCI = new TaskId(3, 0);
    private static final TaskId AHCI_RESTARTED = new TaskId(3, 1);

    private static final List<TraceEvent> EVENTS = List.of(
            new TraceEvent(0, TaskId.KERNEL, "kernel", Kind.PORT_REGISTERED, "00:1f.2:ahci", 0),
            new TraceEvent(1_000, INIT, "init", Kind.SPAWN, "init", 0),
            new TraceEvent(1_500, INIT, "init", Kind.SEND, "to ahci msg 7", 42),
            new TraceEvent(2_250, AHCI, "ahci", Kind.RECEIVE, "from init msg 7", 42),
            new TraceEvent(3_000, INIT, "init", Kind.CALL, "read block 0", 43),
            new TraceEvent(3_001, AHCI, "ahci", Kind.RECEIVE, "call from init", 43),
            new TraceEvent(4_000, AHCI, "ahci", Kind.REPLY, "512 bytes", 43),
            new TraceEvent(5_000, AHCI, "ahci", Kind.CRASH, "said \"no\" \\ then\n\u0001 left", 0),
            new TraceEvent(6_000, AHCI_RESTARTED, "ahci", Kind.SPAWN, "restart", 0),
            new TraceEvent(7_000, INIT, "init", Kind.SEND, "lost on the way", 44));

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> traceEvents(List<TraceEvent> events) throws IOException {
        StringWriter out = new StringWriter();
        ChromeTrace.write(events, out);
        Map<String, Object> root = (Map<String, Object>) TinyJson.parse(out.toString());
        return (List<Map<String, Object>>) root.get("traceEvents");
    }

    private static int number(Map<String, Object> event, String key) {
        return ((BigDecimal) event.get(key)).intValueExact();
    }

    @SuppressWarnings("unchecked")
    private static Object arg(Map<String, Object> event, String key) {
        return ((Map<String, Object>) event.get("args")).get(key);
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachMachineIsAProcessWithItsOwnFlowsAndItsOwnTruncationMark(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("two.json");
        ChromeTrace.write(List.of(new ChromeTrace.Machine("microsim main", EVENTS, EVENTS.size()),
                new ChromeTrace.Machine("microsim b", EVENTS, EVENTS.size() + 5)), null, file);
        List<Map<String, Object>> events = (List<Map<String, Object>>) ((Map<String, Object>) TinyJson.parse(
                Files.readString(file))).get("traceEvents");
        Map<Integer, Object> names = events.stream().filter(e -> "process_name".equals(e.get("name")))
                .collect(Collectors.toMap(e -> number(e, "pid"), e -> arg(e, "name")));
        assertEquals(Map.of(1, "microsim main", 2, "microsim b"), names);
        for (int pid : List.of(1, 2)) {
            long crashes = events.stream().filter(e -> number(e, "pid") == pid && "CRASH".equals(e.get("name"))).count();
            assertEquals(1, crashes, "pid " + pid);
        }
        // The same kernel flow id on two machines is two arrows, not one between the machines.
        Set<Object> firstIds = events.stream().filter(e -> "flow".equals(e.get("cat")) && number(e, "pid") == 1)
                .map(e -> e.get("id")).collect(Collectors.toSet());
        assertTrue(events.stream().filter(e -> "flow".equals(e.get("cat")) && number(e, "pid") == 2)
                .noneMatch(e -> firstIds.contains(e.get("id"))));
        List<Object> truncated = events.stream().filter(e -> ChromeTrace.TRUNCATED.equals(e.get("name")))
                .map(e -> e.get("pid")).toList();
        assertEquals(List.of(new BigDecimal(2)), truncated);
    }

    @Test
    void aTruncatedTraceSaysSoInTheFile() throws IOException {
        StringWriter out = new StringWriter();
        ChromeTrace.write(EVENTS, 1_000_000 + EVENTS.size(), out);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> events = (List<Map<String, Object>>) ((Map<String, Object>) TinyJson.parse(
                out.toString())).get("traceEvents");
        Map<String, Object> last = events.getLast();
        assertEquals(ChromeTrace.TRUNCATED, last.get("name"));
        assertEquals("p", last.get("s"));
        assertEquals(new BigDecimal(EVENTS.size()), arg(last, "kept"));
        assertEquals(new BigDecimal(1_000_000 + EVENTS.size()), arg(last, "total"));
        assertTrue(traceEvents(EVENTS).stream().noneMatch(e -> ChromeTrace.TRUNCATED.equals(e.get("name"))));
    }

    @Test
    void oneNamedTrackPerTaskIncarnation() throws IOException {
        Map<Integer, Object> names = traceEvents(EVENTS).stream()
                .filter(e -> "thread_name".equals(e.get("name")))
                .collect(Collectors.toMap(e -> number(e, "tid"), e -> arg(e, "name")));
        assertEquals(Map.of(1, "kernel (0.0)", 2, "init (1.0)", 3, "ahci (3.0)", 4, "ahci (3.1)"), names);
    }

    @Test
    void eventsAreOnTheirTasksTrackInMicroseconds() throws IOException {
        List<Map<String, Object>> kernelEvents = traceEvents(EVENTS).stream()
                .filter(e -> Set.of("i", "X").contains(e.get("ph"))).toList();
        assertEquals(EVENTS.size(), kernelEvents.size());
        Map<String, Object> receive = kernelEvents.get(3);
        assertEquals("RECEIVE", receive.get("name"));
        assertEquals("ipc", receive.get("cat"));
        assertEquals(3, number(receive, "tid"));
        assertEquals(new BigDecimal("2.25"), receive.get("ts"));
        assertEquals("X", receive.get("ph"));
        Map<String, Object> spawn = kernelEvents.get(1);
        assertEquals("i", spawn.get("ph"));
        assertEquals("t", spawn.get("s"));
        assertEquals(new BigDecimal("1"), spawn.get("ts"));
        assertEquals("said \"no\" \\ then\n\u0001 left", arg(kernelEvents.get(7), "detail"));
    }

    @Test
    void flowsLinkSendToReceiveAndCallToReply() throws IOException {
        List<Map<String, Object>> flows = traceEvents(EVENTS).stream()
                .filter(e -> Set.of("s", "t", "f").contains(e.get("ph"))).toList();
        List<String> summary = flows.stream()
                .map(e -> e.get("ph") + " id=" + e.get("id") + " tid=" + e.get("tid") + " ts=" + e.get("ts"))
                .toList();
        assertEquals(List.of(
                "s id=42 tid=2 ts=1.5",
                "f id=42 tid=3 ts=2.25",
                "s id=43 tid=2 ts=3",
                "t id=43 tid=3 ts=3.001",
                "f id=43 tid=3 ts=4"), summary, "a flow seen once (44) draws no arrow");
        assertTrue(flows.stream().allMatch(e -> "flow".equals(e.get("cat")) && "message".equals(e.get("name"))));
        assertEquals("e", flows.get(1).get("bp"));
    }

    @Test
    void emptyTraceIsValid(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.json");
        ChromeTrace.write(List.of(), 0, file);
        Object root = TinyJson.parse(Files.readString(file, StandardCharsets.UTF_8));
        assertTrue(root instanceof Map<?, ?> map && map.get("traceEvents") instanceof List<?>);
    }

    @Test
    void aRunThatReachedTheHostSaysSoInTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.json");
        ChromeTrace.write(EVENTS, EVENTS.size(), "a LAN reached the host", file);
        Object root = TinyJson.parse(Files.readString(file, StandardCharsets.UTF_8));
        List<?> all = (List<?>) ((Map<?, ?>) root).get("traceEvents");
        Map<?, ?> note = all.stream().map(e -> (Map<?, ?>) e)
                .filter(e -> ChromeTrace.NOT_REPRODUCIBLE.equals(e.get("name"))).findFirst().orElseThrow();
        assertEquals("g", note.get("s"));
        assertEquals("a LAN reached the host", ((Map<?, ?>) note.get("args")).get("why"));
        ChromeTrace.write(EVENTS, EVENTS.size(), null, file);
        assertTrue(!Files.readString(file, StandardCharsets.UTF_8).contains(ChromeTrace.NOT_REPRODUCIBLE));
    }

    @Test
    void microsecondsAreExact() {
        assertEquals("0", ChromeTrace.micros(0));
        assertEquals("0.001", ChromeTrace.micros(1));
        assertEquals("1234567.891", ChromeTrace.micros(1_234_567_891L));
        assertEquals("30000000", ChromeTrace.micros(30_000_000_000L));
    }

    @Property(tries = 300)
    void anyStringRoundTrips(@ForAll String text) {
        assertEquals(text, TinyJson.parse(JsonText.quote(text)));
    }
}
