package org.microsim.harness.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The host's filesystem tools (dosfstools, mtools, fdisk) for the interoperability tests. */
final class HostTools {
    private HostTools() {
    }

    /** True when every tool is installed (CI installs them; a developer's machine may not have them). */
    static boolean installed(String... tools) {
        for (String t : tools) {
            if (List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin").stream().noneMatch(d -> Files.isExecutable(Path.of(d, t)))) {
                return false;
            }
        }
        return true;
    }

    /** Runs a tool and returns its output; a non-zero exit fails the test with the output. */
    static String run(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("MTOOLS_SKIP_CHECK", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
