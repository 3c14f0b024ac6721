package org.microsim.harness.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the workload had acknowledged, file by file: the lines that must read back after the faults.
 *
 * <p>Only what a command reported done counts. A successful {@code append} adds its line and a {@code write}
 * makes its line the file's only one; a failed one may or may not have reached the disk, so the file's lines
 * are no longer known in full and the model keeps only what cannot have gone: the lines acknowledged since the
 * last uncertain truncation. A removed file, or one an uncertain {@code rm} touched, is not checked at all.
 */
final class FileModel {
    private final Map<String, List<String>> mustHave = new LinkedHashMap<>();
    private final Set<String> volumes = new LinkedHashSet<>();

    /** Notes a file command and whether it succeeded. */
    void observe(String command, List<String> args, boolean succeeded) {
        if (args.isEmpty()) {
            return;
        }
        String path = args.getFirst();
        if (succeeded && !command.equals("cat")) {
            volumes.add(device(path));
        }
        String text = String.join(" ", args.subList(1, args.size()));
        switch (command) {
            case "append" -> {
                if (succeeded) {
                    mustHave.computeIfAbsent(path, p -> new ArrayList<>()).add(text);
                }
            }
            case "write" -> {
                // A failed write may have truncated the file: nothing before it is certain any more.
                List<String> lines = new ArrayList<>();
                if (succeeded) {
                    lines.add(text);
                }
                mustHave.put(path, lines);
            }
            case "rm" -> mustHave.remove(path);
            case "mv" -> {
                mustHave.remove(path);
                if (args.size() > 1) {
                    mustHave.remove(args.get(1));
                }
            }
            default -> {
                // Reads and syncs change no file.
            }
        }
    }

    /**
     * The checks that the acknowledged lines read back: {@code cat FILE} and one {@code expect} per line, each
     * matching a whole line so that {@code alpha1} is not found inside {@code alpha12}.
     */
    List<String> checks() {
        List<String> lines = new ArrayList<>();
        mustHave.forEach((path, expected) -> {
            if (!expected.isEmpty()) {
                lines.add("cat " + path);
                expected.stream().distinct().forEach(line ->
                        lines.add("expect output matches \"(?m)^" + Pattern.quote(line) + "$\""));
            }
        });
        return lines;
    }

    /** The volumes ({@code /dev} names) the workload wrote to, for fsck. */
    List<String> volumesWritten() {
        return List.copyOf(volumes);
    }

    private static String device(String path) {
        String[] parts = path.split("/");
        return parts.length > 2 && parts[1].equals("vol") ? "/dev/" + parts[2] : path;
    }
}
