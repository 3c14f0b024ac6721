package org.microsim.hosttools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class HostToolsTest {
    @Test
    void runsAToolAndKeepsItsOutputsApart() throws Exception {
        HostTools.Run r = HostTools.run("sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, r.exit());
        assertEquals("out\n", r.out());
        assertEquals("err\n", r.stderr());
        assertEquals("fed\n", HostTools.ok("fed\n".getBytes(StandardCharsets.UTF_8), "cat").out());
    }

    @Test
    void aFailingToolIsAnErrorThatSaysWhatItPrinted() {
        IOException e = assertThrows(IOException.class, () -> HostTools.ok("sh", "-c", "echo why >&2; exit 1"));
        assertTrue(e.getMessage().contains("exited 1") && e.getMessage().contains("why"), e.getMessage());
    }

    @Test
    void aMissingToolSkipsHereAndFailsUnderCi() {
        assertTrue(HostTools.installed("sh"));
        assertTrue(HostTools.find("no-such-tool-anywhere").isEmpty());
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            AssertionError e = assertThrows(AssertionError.class, () -> HostTools.require("no-such-tool-anywhere"));
            assertTrue(e.getMessage().contains("CI installs"), e.getMessage());
        } else {
            TestAbortedException e = assertThrows(TestAbortedException.class,
                    () -> HostTools.require("sh", "no-such-tool-anywhere"));
            assertTrue(e.getMessage().startsWith("no-such-tool-anywhere is not installed"), e.getMessage());
        }
    }
}
