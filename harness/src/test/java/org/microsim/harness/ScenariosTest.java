package org.microsim.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.microsim.harness.script.ScenarioRunner;

/**
 * Every sample scenario under {@code harness/scenarios} must pass (exit code 0) with the real commands: the
 * built-ins and whatever the installed {@link SessionFactory}'s machine adds, taken from
 * {@link Commands#of}, the one place that puts them together. A new {@code .scn} file or a new machine
 * command is picked up with no change here.
 */
class ScenariosTest {
    private static final Path SCENARIOS = Path.of("scenarios");

    @TestFactory
    Stream<DynamicTest> everySampleScenarioPasses() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(SCENARIOS)) {
            files = walk.filter(file -> file.toString().endsWith(".scn")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no scenarios under " + SCENARIOS.toAbsolutePath());
        return files.stream().map(file -> DynamicTest.dynamicTest(file.toString(), () -> run(file)));
    }

    private static void run(Path file) throws SessionException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (Session session = SessionFactory.installed().open(MachineOptions.defaults())) {
            code = new ScenarioRunner(Commands.of(session), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), false).run(file);
        }
        assertEquals(ScenarioRunner.PASSED, code,
                err.toString(StandardCharsets.UTF_8) + "\ntranscript:\n" + out.toString(StandardCharsets.UTF_8));
    }
}
