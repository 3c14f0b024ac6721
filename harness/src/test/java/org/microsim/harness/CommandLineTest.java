package org.microsim.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.microsim.harness.CommandLine.BadCommandLine;
import org.microsim.harness.CommandLine.Parsed;

/** The command-line grammar: what each word becomes. */
class CommandLineTest {
    private static List<String> drives(Parsed parsed) {
        return parsed.all(CommandLine.DRIVE);
    }

    @Test
    void optionsComeBeforeOrAfterTheCommandWithASpaceOrAnEqualsSign() throws BadCommandLine {
        Parsed parsed = CommandLine.parse("--drive", "file=a.img,if=ahci", "run", "x.scn", "--drive=file=b.img,if=usb",
                "--seed=4", "--seed", "5");
        assertEquals("run", parsed.command().name());
        assertEquals(List.of("x.scn"), parsed.operands());
        assertEquals(List.of("file=a.img,if=ahci", "file=b.img,if=usb"), drives(parsed));
        assertEquals(5, CommandLine.seed(parsed), "the last seed wins");
    }

    @Test
    void aNicTakesTheNextWordOnlyWhenItIsKeyValueWords() throws BadCommandLine {
        Parsed parsed = CommandLine.parse("--nic", "run", "x.scn", "--nic", "mac=52:54:00:00:00:01", "--nic");
        assertEquals("run", parsed.command().name());
        assertEquals(List.of("", "mac=52:54:00:00:00:01", ""), parsed.all(CommandLine.NIC));
    }

    @Test
    void theWebViewTakesTheNextWordOnlyWhenItIsAnAddress() throws BadCommandLine {
        Parsed bare = CommandLine.parse("--web", "run", "x.scn", "--hold");
        assertEquals("run", bare.command().name());
        assertEquals(Optional.of(""), bare.last(CommandLine.WEB));
        assertTrue(bare.has(CommandLine.HOLD));
        assertEquals(Optional.of("9000"), CommandLine.parse("--web", "9000").last(CommandLine.WEB));
        assertEquals(Optional.of("0.0.0.0:80"), CommandLine.parse("console", "--web", "0.0.0.0:80").last(CommandLine.WEB));
        assertEquals(Optional.of("[::1]:8081"), CommandLine.parse("--web=[::1]:8081").last(CommandLine.WEB));
    }

    @Test
    void doubleDashEndsTheOptions() throws BadCommandLine {
        Parsed parsed = CommandLine.parse("bench", "FatFileBench", "--", "-x", "--seed");
        assertEquals(List.of("FatFileBench", "-x", "--seed"), parsed.operands());
        assertEquals(1, CommandLine.seed(parsed));
    }

    @Test
    void aCommandsOwnOptionBelongsToIt() throws BadCommandLine {
        assertTrue(CommandLine.parse("console", "--no-boot").has(CommandLine.NO_BOOT));
        BadCommandLine e = assertThrows(BadCommandLine.class, () -> CommandLine.parse("--no-boot", "console"));
        assertEquals("unknown option '--no-boot'", e.getMessage());
        assertEquals("sim", e.command().qualifiedName());
    }

    @Test
    void helpNeedsNothingElseRight() throws BadCommandLine {
        Parsed parsed = CommandLine.parse("run", "--help");
        assertEquals("run", parsed.command().name());
        assertTrue(CommandLine.help(parsed.command(), 80).startsWith("Usage: sim run [OPTIONS] FILE|-\n"));
        assertEquals(Optional.of(""), parsed.last(CommandLine.HELP));
    }

    @Test
    void aMissingValueSaysWhatItShouldBe() {
        assertEquals("--trace needs a value (FILE)",
                assertThrows(BadCommandLine.class, () -> CommandLine.parse("boot", "--trace")).getMessage());
    }
}
