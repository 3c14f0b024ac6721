package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.microsim.harness.script.UsageException;
import org.microsim.kernel.machine.DiskFaults;

/** Fault lines: every record prints as a line that parses back to it, and bad lines say what is wrong. */
class FaultTest {
    private static Fault parse(String line) throws UsageException {
        List<String> words = Arrays.asList(line.split(" "));
        assertEquals("fault", words.get(0));
        return Fault.parse(words.subList(1, words.size()));
    }

    @Property(tries = 500)
    void everyFaultPrintsAsALineThatParsesBackToIt(@ForAll("faults") Fault fault) throws UsageException {
        assertEquals(fault, parse(fault.toCommand()), fault.toCommand());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "fault disk ahci0:disk0 error=io",
        "fault disk msc0: error=corrupt at=2s count=3 lba=0-2047",
        "fault task echo slow=250ms at=1m",
        "fault link user loss=0.1 delay=1ms",
        "fault link user down",
        "fault usb detach msc0: at=500ms",
        "fault usb detach",
        "fault irq 00:1f.2:ahci drop=0.25",
        "fault clear",
        "fault clear link"})
    void theDocumentedFormsPrintAsWritten(String line) throws UsageException {
        assertEquals(line, parse(line).toCommand());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "fault", "fault disk", "fault disk ahci0:disk0", "fault disk ahci0:disk0 error=slow",
        "fault disk ahci0:disk0 error=io count=0", "fault disk ahci0:disk0 error=io lba=9-3",
        "fault disk ahci0:disk0 error=io lba=9", "fault disk ahci0:disk0 error=io error=io",
        "fault disk ahci0:disk0 error=io at=soon", "fault task echo", "fault task echo nap",
        "fault task echo slow=0s", "fault link user", "fault link user loss=2", "fault link user delay=1ns",
        "fault link user speed=1", "fault usb attach", "fault irq ahci", "fault irq ahci drop=-1",
        "fault clear everything", "fault clear disk task", "fault fire"})
    void badLinesSayWhatIsWrongInOneLine(String line) {
        UsageException e = assertThrows(UsageException.class, () -> parse(line));
        assertTrue(!e.getMessage().isBlank() && !e.getMessage().contains("\n") && !e.getMessage().contains("Exception"),
                e.getMessage());
    }

    @Provide
    Arbitrary<Fault> faults() {
        Arbitrary<String> name = Arbitraries.of("ahci0:disk0", "ahci0:disk1", "msc0:", "echo", "user", "lan2");
        Arbitrary<Optional<Duration>> at = Arbitraries.longs().between(0, 3_600_000_000_000L).map(Duration::ofNanos)
                .optional();
        Arbitrary<Double> p = Arbitraries.doubles().between(0, 1);
        Arbitrary<Fault> disk = Combinators.combine(name, Arbitraries.of(DiskFaults.Kind.class), at,
                Arbitraries.integers().between(1, 1000), Arbitraries.longs().between(0, 1L << 40),
                Arbitraries.longs().between(0, 1L << 20).optional())
                .as((d, k, t, n, first, span) -> new Fault.Disk(d, k, t, n, span.isPresent() ? first : 0,
                        span.map(s -> first + s).orElse(Long.MAX_VALUE)));
        Arbitrary<Fault> task = Combinators.combine(name, Arbitraries.of(Fault.TaskEffect.class),
                Arbitraries.longs().between(1, 10_000_000_000L), at)
                .as((t, e, slow, when) -> new Fault.Task(t, e, e == Fault.TaskEffect.SLOW ? Duration.ofNanos(slow)
                        : Duration.ZERO, when));
        Arbitrary<Fault> link = Combinators.combine(name, p.optional(), Arbitraries.longs()
                        .between(10_000, 10_000_000_000L).map(Duration::ofNanos).optional(), p.optional(), p.optional())
                .filter((l, loss, delay, dup, reorder) -> loss.isPresent() || delay.isPresent() || dup.isPresent()
                        || reorder.isPresent())
                .as((l, loss, delay, dup, reorder) -> new Fault.Link(l, opt(loss), delay, opt(dup), opt(reorder)));
        Arbitrary<Fault> cable = Combinators.combine(name, Arbitraries.of(true, false)).as(Fault.Cable::new);
        Arbitrary<Fault> usb = Combinators.combine(Arbitraries.of("msc0:", "1", "1.2").optional(), at)
                .as(Fault.UsbDetach::new);
        Arbitrary<Fault> irq = Combinators.combine(Arbitraries.of("ahci", "00:14.0:usb"), p).as(Fault.Irq::new);
        Arbitrary<Fault> clear = Arbitraries.of(Fault.Area.class).optional().map(Fault.Clear::new);
        return Arbitraries.oneOf(disk, task, link, cable, usb, irq, clear);
    }

    private static OptionalDouble opt(Optional<Double> value) {
        return value.map(OptionalDouble::of).orElse(OptionalDouble.empty());
    }
}
