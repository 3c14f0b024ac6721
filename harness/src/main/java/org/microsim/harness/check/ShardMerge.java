package org.microsim.harness.check;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Puts the JUnit reports of a campaign's shards back together: every seed once, failures first in the
 * summary, and a seed that two shards both ran (two campaigns' files in one directory) called out, since the
 * counts would otherwise lie.
 */
final class ShardMerge {
    private ShardMerge() {
    }

    static int merge(Path dir, Optional<Path> junit, PrintStream out, PrintStream err) {
        if (!Files.isDirectory(dir)) {
            err.println("sim: check --merge: " + dir + " is not a directory");
            return 2;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> xml = Files.newDirectoryStream(dir, "*.xml")) {
            xml.forEach(files::add);
        } catch (IOException e) {
            err.println("sim: check --merge: cannot list " + dir + ": " + e.getMessage());
            return 2;
        }
        junit.ifPresent(j -> files.removeIf(f -> f.toAbsolutePath().equals(j.toAbsolutePath())));
        if (files.isEmpty()) {
            err.println("sim: check --merge: no .xml reports in " + dir);
            return 2;
        }
        files.sort(null);
        Map<Long, JUnitReport.Case> bySeed = new TreeMap<>();
        List<Long> twice = new ArrayList<>();
        String suite = "";
        for (Path file : files) {
            JUnitReport.Suite report;
            try {
                report = JUnitReport.read(file);
            } catch (IOException e) {
                err.println("sim: check --merge: " + e.getMessage());
                return 2;
            }
            suite = suite.isEmpty() ? report.name() : suite;
            for (JUnitReport.Case c : report.cases()) {
                if (bySeed.putIfAbsent(c.seed(), c) != null) {
                    twice.add(c.seed());
                }
            }
        }
        List<JUnitReport.Case> failed = bySeed.values().stream().filter(c -> c.invariant().isPresent()).toList();
        failed.forEach(c -> out.println("seed " + c.seed() + ": FAILED " + c.failure() + "\n  " + c.reproduce()));
        out.println(files.size() + " reports, " + bySeed.size() + " seeds, " + (bySeed.size() - failed.size())
                + " passed, " + failed.size() + " failed" + (twice.isEmpty() ? ""
                        : "; seeds in more than one report (counted once): " + twice.stream().distinct().limit(10).toList()));
        if (junit.isPresent()) {
            try {
                JUnitReport.write(junit.get(), suite, List.copyOf(bySeed.values()));
            } catch (IOException e) {
                err.println("sim: check --merge: cannot write " + junit.get() + ": " + e.getMessage());
                return 2;
            }
        }
        return failed.isEmpty() ? 0 : 1;
    }
}
