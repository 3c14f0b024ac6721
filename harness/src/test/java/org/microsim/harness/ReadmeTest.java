package org.microsim.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example of the README runs as written. The rules, kept simple so that a new example only needs the
 * right fence:
 *
 * <ul>
 *   <li>Every code block is fenced and tagged {@code sh}, {@code sim}, {@code scn} or {@code java}; an indented (unfenced)
 *       code block, a line starting with four spaces after a blank line outside a fence, fails the test, as
 *       does a fence with another tag.
 *   <li>{@code sh}: one command a line, {@code #} starts a comment. {@code ./sim ARGS} runs as a process (this
 *       JVM, this class path) in a scratch directory holding a copy of {@code harness/scenarios}, with nothing
 *       on standard input, and must exit 0; {@code ./sim bench NAME} is only checked to name a benchmark (they
 *       run for minutes). {@code ./mvnw ARGS} is only checked to be what {@code .ci/run} runs, without
 *       {@code -B}. Any other line fails.
 *   <li>{@code sim}: a console session after {@code ./sim} booted the demo machine: each {@code sim> LINE} is
 *       typed, and the lines after it, up to the next prompt, must be printed by it, in that order.
 *   <li>{@code scn}: a scenario; {@code ./sim run} of it must pass.
 *   <li>{@code java}: a property suite of the {@code examples} module, whose tests the test command runs: the block
 *       must be the whole file of the class it declares, but for its {@code package} line and the blank line after.
 *       The harness cannot run testkit code (testkit depends on it), so this checks the example is that file, and the
 *       examples module runs the file.
 * </ul>
 */
class ReadmeTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String PROMPT = "sim> ";

    @TempDir
    static Path scratch;

    private record Block(String tag, int line, List<String> lines) {
    }

    private static List<Block> blocks(List<String> readme) {
        List<Block> blocks = new ArrayList<>();
        Block open = null;
        boolean blank = true;
        for (int i = 0; i < readme.size(); i++) {
            String line = readme.get(i);
            String stripped = line.strip();
            if (stripped.startsWith("```")) {
                if (open == null) {
                    open = new Block(stripped.substring(3), i + 1, new ArrayList<>());
                } else {
                    blocks.add(open);
                    open = null;
                }
            } else if (open != null) {
                // A block in a list item is indented like the item's text: that indentation is not the example's.
                open.lines().add(line.length() > indent(readme.get(open.line() - 1))
                        ? line.substring(indent(readme.get(open.line() - 1))) : line.strip());
            } else {
                assertFalse(blank && line.startsWith("    ") && !stripped.isEmpty(),
                        "README.md:" + (i + 1) + ": an unfenced code block; fence it as sh, sim or scn");
            }
            blank = stripped.isEmpty();
        }
        assertEquals(null, open, "README.md: a fence is not closed");
        return blocks;
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }

    @TestFactory
    Stream<DynamicTest> everyExampleRuns() throws IOException {
        copy(ROOT.resolve("harness/scenarios"), scratch.resolve("harness/scenarios"));
        List<Block> blocks = blocks(Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8));
        assertFalse(blocks.isEmpty());
        return blocks.stream().map(block -> DynamicTest.dynamicTest("README.md:" + block.line() + " " + block.tag(),
                () -> {
                    switch (block.tag()) {
                        case "sh" -> shell(block);
                        case "sim" -> session(block);
                        case "scn" -> scenario(block);
                        case "java" -> example(block);
                        default -> throw new AssertionError("README.md:" + block.line() + ": a block tagged '"
                                + block.tag() + "'; tag it sh, sim, scn or java");
                    }
                }));
    }

    @Test
    void theTourScenarioBootsFirst() throws IOException {
        // The first complaint: the tour's scenario failed as written, without boot.
        Block scenario = blocks(Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8)).stream()
                .filter(b -> b.tag().equals("scn")).findFirst().orElseThrow();
        assertEquals("boot", scenario.lines().get(0));
    }

    private static void shell(Block block) throws Exception {
        for (String line : block.lines()) {
            String command = line.replaceAll("\\s+#.*$", "").strip();
            List<String> words = List.of(command.split("\\s+"));
            if (command.isEmpty()) {
                continue;
            }
            switch (words.get(0)) {
                case "./mvnw" -> assertTrue(ciRuns().contains(command.replace("./mvnw", "./mvnw -B")),
                        line + ": .ci/run does not run it");
                case "./sim" -> {
                    if (words.size() == 3 && words.get(1).equals("bench")) {
                        assertTrue(BenchCatalog.of(Main.class, BenchCatalog.PACKAGE).names().contains(words.get(2)),
                                line + ": no such benchmark");
                    } else {
                        Run run = sim("", words.subList(1, words.size()));
                        assertEquals(0, run.code(), line + "\n" + run.output());
                    }
                }
                default -> throw new AssertionError(line + ": the README test runs ./sim and ./mvnw lines only");
            }
        }
    }

    private static void session(Block block) throws Exception {
        StringBuilder typed = new StringBuilder();
        block.lines().stream().filter(l -> l.startsWith(PROMPT))
                .forEach(l -> typed.append(l.substring(PROMPT.length())).append('\n'));
        Run run = sim(typed.toString(), List.of());
        assertEquals(0, run.code(), run.output());
        int at = 0;
        for (String expected : block.lines()) {
            int found = run.output().indexOf(expected + "\n", at);
            assertTrue(found >= 0, "README.md:" + block.line() + ": '" + expected + "' is not printed where the"
                    + " README shows it; the session printed:\n" + run.output());
            at = found + expected.length();
        }
    }

    private static void scenario(Block block) throws Exception {
        Path file = Files.write(scratch.resolve("readme-" + block.line() + ".scn"), block.lines());
        Run run = sim("", List.of("run", file.toString()));
        assertEquals(0, run.code(), run.output());
    }

    private static void example(Block block) throws IOException {
        String name = block.lines().stream().filter(l -> l.matches("(public )?(final )?class \\w+.*")).findFirst()
                .map(l -> l.replaceAll("^(public )?(final )?class (\\w+).*$", "$3"))
                .orElseThrow(() -> new AssertionError("README.md:" + block.line() + ": a java block declares no class"));
        Path file = ROOT.resolve("examples/src/test/java/org/microsim/examples/" + name + ".java");
        assertTrue(Files.exists(file), "README.md:" + block.line() + ": no examples suite " + file);
        List<String> code = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals("package org.microsim.examples;", code.get(0), file.toString());
        assertEquals(String.join("\n", code.subList(2, code.size())), String.join("\n", block.lines()),
                "README.md:" + block.line() + ": the example is not " + file + " as it is");
    }

    private record Run(int code, String output) {
    }

    /** {@code ./sim ARGS} as a process, in the scratch directory, {@code input} on its standard input. */
    private static Run sim(String input, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(scratch.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), output);
    }

    private static String ciRuns() throws IOException {
        return Files.readString(ROOT.resolve(".ci/run"));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
