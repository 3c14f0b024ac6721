package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs the host's FAT tools (dosfstools, mtools); a test skips when one is not installed. */
final class Tools {
    private Tools() {
    }

    /** Exit code and merged stdout/stderr of a tool run. */
    record Run(int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** A fresh temporary directory for a test class's images (created in a static initializer). */
    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and everything in it. */
    static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static void assumeInstalled(String... tools) {
        for (String tool : tools) {
            boolean found = false;
            for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin")) {
                found |= Files.isExecutable(Path.of(dir, tool));
            }
            assumeTrue(found, tool + " is not installed");
        }
    }

    static Run run(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("MTOOLS_SKIP_CHECK", "1");
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/bin");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> copy(p.getErrorStream(), err));
        drain.start();
        byte[] out = p.getInputStream().readAllBytes();
        int exit = p.waitFor();
        drain.join();
        return new Run(exit, out, err.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            out.writeBytes(("stderr lost: " + e).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Runs a tool and fails the test when it exits non-zero. */
    static Run ok(String... command) throws IOException, InterruptedException {
        Run r = run(command);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + ": " + r.stderr()
                    + r.out());
        }
        return r;
    }

    /** Makes an image of {@code kib} KiB with mkfs.fat. */
    static Path mkfs(Path dir, String name, int fatBits, int sectorsPerCluster, int kib)
            throws IOException, InterruptedException {
        Path img = dir.resolve(name);
        ok("mkfs.fat", "-C", "-F", String.valueOf(fatBits), "-s", String.valueOf(sectorsPerCluster), "-n", "TESTVOL",
                img.toString(), String.valueOf(kib));
        return img;
    }

    /** Runs fsck.fat -n and returns its output, failing on a non-zero exit or a complaint. */
    static String fsckClean(Path img) throws IOException, InterruptedException {
        Run r = run("fsck.fat", "-n", "-v", img.toString());
        String all = r.out() + r.stderr();
        if (r.exit() != 0 || all.contains("differences") || all.contains("Free cluster")
                || all.contains("Reclaimed") || all.contains("Perform changes")) {
            throw new AssertionError("fsck.fat -n " + img + " exited " + r.exit() + ":\n" + all);
        }
        return all;
    }
}
