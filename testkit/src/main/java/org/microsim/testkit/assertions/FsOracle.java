package org.microsim.testkit.assertions;

import org.microsim.harness.script.Lexer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.microsim.hosttools.HostTools;
import org.microsim.testkit.CommandResult;
import org.microsim.testkit.SimMachine;
import org.microsim.testkit.action.Action;

/**
 * What a file system must still hold, whatever crashed: a model of every change the machine acknowledged. fatfsd
 * acknowledges a {@code write}, {@code append}, {@code mkdir} and {@code rm} only once it is on the disk, so an
 * acknowledged change survives a crash of fatfsd or of any driver below it; a change whose command failed may have
 * happened or not, and its file is not judged until a later acknowledged write says what it holds.
 *
 * <p>{@link #check(SimMachine)} asks the machine through commands and expectations ({@code cat}, {@code stat},
 * {@code expect ...}), so the check is part of the machine's scenario and a failure replays with {@code sim run}.
 * {@link #fsck(SimMachine, String)} copies a volume's bytes out through the VFS's {@code /dev} and lets
 * {@code fsck.fat -n} judge them.
 */
public final class FsOracle {
    private final Map<String, String> files = new TreeMap<>();
    private final Set<String> removed = new TreeSet<>();
    private final Set<String> dirs = new TreeSet<>();
    private final Set<String> unknown = new TreeSet<>();

    /** Takes note of an action and of what the machine answered. */
    public void observe(Action action, CommandResult result) {
        boolean ok = result.ok();
        switch (action) {
            case Action.Write w -> settle(w.path(), ok, w.text() + "\n");
            case Action.Append a -> settle(a.path(), ok && !unknown.contains(a.path()),
                    files.getOrDefault(a.path(), "") + a.text() + "\n");
            case Action.Mkdir d -> {
                if (ok) {
                    dirs.add(d.path());
                }
            }
            case Action.Remove r -> {
                if (ok) {
                    files.remove(r.path());
                    unknown.remove(r.path());
                    removed.add(r.path());
                } else if (files.containsKey(r.path())) {
                    unknown.add(r.path());
                }
            }
            default -> {
            }
        }
    }

    private void settle(String path, boolean acknowledged, String content) {
        if (acknowledged) {
            files.put(path, content);
            unknown.remove(path);
            removed.remove(path);
        } else {
            unknown.add(path);
        }
    }

    /**
     * Checks every acknowledged file, removal and directory on the volumes that are mounted, through scenario lines.
     * Which are mounted is asked first ({@code mounts}, a line without an expectation: a volume whose driver the
     * service manager gave up on after too many crashes is not there, which is another property's business; this one
     * judges what is there).
     *
     * @return empty when all hold, else the first that does not
     */
    public Optional<String> check(SimMachine m) {
        String mounts = m.command("mounts").output();
        for (Map.Entry<String, String> f : files.entrySet()) {
            if (judged(f.getKey(), mounts)) {
                Optional<String> failure = m.check("cat " + Lexer.word(f.getKey()),
                        "expect output matches " + Lexer.word(exactly(f.getValue())));
                if (failure.isPresent()) {
                    return failure;
                }
            }
        }
        for (String path : removed) {
            if (judged(path, mounts)) {
                Optional<String> failure = m.check("stat " + Lexer.word(path), "expect error");
                if (failure.isPresent()) {
                    return failure.map(why -> path + " was removed, yet it is there: " + why);
                }
            }
        }
        for (String dir : dirs) {
            if (judged(dir, mounts)) {
                Optional<String> failure = m.check("stat " + Lexer.word(dir), "expect output contains \"type: directory\"");
                if (failure.isPresent()) {
                    return failure.map(why -> dir + " was made, yet it is not there: " + why);
                }
            }
        }
        return Optional.empty();
    }

    /** Fails with the reason unless {@link #check} holds. */
    public void assertHolds(SimMachine m) {
        check(m).ifPresent(why -> {
            throw new AssertionError(why);
        });
    }

    /** Whether {@code path} has a known state and lies on a volume that {@code mounts} (its output) lists. */
    private boolean judged(String path, String mounts) {
        int volumeEnd = path.indexOf('/', "/vol/".length());
        String volume = volumeEnd < 0 ? path : path.substring(0, volumeEnd);
        return !unknown.contains(path) && mounts.lines().anyMatch(line -> line.startsWith(volume + " "));
    }

    /** A regular expression the whole of {@code cat}'s output must match: the lines, each quoted. */
    private static String exactly(String content) {
        List<String> lines = new ArrayList<>(List.of(content.split("\n", -1)));
        lines.removeLast();
        // \Q..\E quotes everything but an \E of its own, which is ended, written as \\E, and quoted again.
        List<String> quoted = lines.stream().map(l -> "\\Q" + l.replace("\\E", "\\E\\\\E\\Q") + "\\E").toList();
        return "\\A" + String.join("\\n", quoted) + "\\n?\\z";
    }

    /**
     * Copies the block device {@code device} (a FAT volume: {@code ahci0:disk0p1}) out with {@code get /dev/DEVICE FILE}
     * (a line of the machine's scenario, so the replay makes the same calls) and runs {@code fsck.fat -n} on the copy:
     * fails with fsck's report when it finds anything to repair. Without dosfstools the check is skipped, or fails
     * under {@code CI=true} ({@link HostTools#require}).
     */
    public static void fsck(SimMachine m, String device) throws IOException, InterruptedException {
        HostTools.require("fsck.fat");
        Path copy = Files.createTempFile("fsck-" + device.replace(':', '_'), ".img");
        try {
            CommandResult got = m.command("get " + Lexer.word("/dev/" + device) + " " + Lexer.word(copy.toString()));
            if (!got.ok()) {
                throw new AssertionError("/dev/" + device + " cannot be read: " + got.output());
            }
            HostTools.Run run = HostTools.run("fsck.fat", "-n", copy.toString());
            if (run.exit() != 0) {
                throw new AssertionError("fsck.fat -n finds /dev/" + device + " not clean:\n" + run.out() + run.stderr());
            }
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
