package org.microsim.hosttools;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;

/**
 * The host's image tools (mkfs.fat, fsck.fat, mtools, sfdisk, sgdisk ...), for the tests and benchmarks that
 * hold the simulator to them. One place decides what a missing tool means ({@link #require}): on a developer's
 * machine the test is skipped and says why; under CI ({@code CI=true}), where {@code .ci/run} installs every
 * tool, it fails, so an interoperability test can never pass by not running.
 *
 * <p>Tools run with a fixed environment (C.UTF-8, sbin on the PATH, mtools' geometry check off, stdin empty
 * unless given), so their output does not depend on who runs them.
 */
public final class HostTools {
    /** Where tools are looked for besides the PATH: the sbin directories a user's PATH often lacks. */
    private static final List<String> SYSTEM_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin",
            "/usr/local/sbin", "/usr/local/bin");

    private HostTools() {
    }

    /** Exit code, standard output and standard error of a tool run. */
    public record Run(int exit, byte[] stdout, String stderr) {
        /** The standard output as text. */
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** Where {@code tool} is installed, if it is. */
    public static Optional<Path> find(String tool) {
        return searchPath().map(dir -> Path.of(dir, tool)).filter(Files::isExecutable).findFirst();
    }

    /** True when every one of {@code tools} is installed. */
    public static boolean installed(String... tools) {
        return Stream.of(tools).allMatch(t -> find(t).isPresent());
    }

    /**
     * For a test that needs {@code tools}: returns when all are installed. Otherwise the test is skipped with
     * the reason, or, under CI ({@code CI=true}, where they are installed on purpose), fails.
     */
    public static void require(String... tools) {
        List<String> missing = Stream.of(tools).filter(t -> find(t).isEmpty()).toList();
        if (missing.isEmpty()) {
            return;
        }
        String why = String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " not installed";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(why + ": CI installs the interoperability tools (.ci/run) and needs them");
        }
        throw Skip.because(why + " (.ci/run installs them); skipped");
    }

    /**
     * Makes the skip. A class of its own, loaded only when a test is skipped: opentest4j is on every test's
     * classpath but not in the simulator's jar, whose benchmarks use {@link HostTools} too.
     */
    private static final class Skip {
        static RuntimeException because(String why) {
            return new TestAbortedException(why);
        }
    }

    /** Runs a tool with empty input; its output and exit code, whatever the code. */
    public static Run run(Object... command) throws IOException, InterruptedException {
        return run(null, command);
    }

    /** Runs a tool with {@code stdin} (null for none) as its input. */
    public static Run run(byte[] stdin, Object... command) throws IOException, InterruptedException {
        List<String> words = new ArrayList<>(Stream.of(command).map(String::valueOf).toList());
        // The JVM looks a bare name up in its own PATH, which often lacks sbin: look it up here instead.
        if (!words.isEmpty() && !words.getFirst().contains(File.separator)) {
            find(words.getFirst()).ifPresent(path -> words.set(0, path.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(words);
        pb.environment().put("MTOOLS_SKIP_CHECK", "1");
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().put("PATH", String.join(File.pathSeparator, searchPath().toList()));
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = pb.start();
        if (stdin != null) {
            try (var in = p.getOutputStream()) {
                in.write(stdin);
            }
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // Standard error is drained beside standard output, so a tool that fills one pipe cannot block.
        Thread drain = Thread.ofPlatform().daemon().start(() -> copy(p.getErrorStream(), err));
        byte[] out = p.getInputStream().readAllBytes();
        int exit = p.waitFor();
        drain.join();
        return new Run(exit, out, err.toString(StandardCharsets.UTF_8));
    }

    /** Runs a tool and fails with its output when it exits non-zero. */
    public static Run ok(Object... command) throws IOException, InterruptedException {
        return ok(null, command);
    }

    /** Runs a tool with {@code stdin} as its input and fails with its output when it exits non-zero. */
    public static Run ok(byte[] stdin, Object... command) throws IOException, InterruptedException {
        Run r = run(stdin, command);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", Stream.of(command).map(String::valueOf).toList()) + " exited "
                    + r.exit() + ": " + r.stderr() + r.out());
        }
        return r;
    }

    private static Stream<String> searchPath() {
        List<String> dirs = new ArrayList<>();
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && !dirs.contains(d)) {
                dirs.add(d);
            }
        }
        SYSTEM_DIRS.stream().filter(d -> !dirs.contains(d)).forEach(dirs::add);
        return dirs.stream();
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
