package org.microsim.harness;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Paths of the host as a person types them, and the host's errors as a person reads them. A shell expands
 * {@code ~} before a program sees it, but a path in a console command, a scenario or {@code --trace=~/t.json}
 * reaches {@code sim} as typed; and Java names a missing file {@code NoSuchFileException}, which says nothing
 * to someone who never wrote Java.
 */
public final class HostPaths {
    private HostPaths() {
    }

    /** {@code word} as a host path: {@code ~} and {@code ~/...} in the user's home, relative ones in {@code base}. */
    public static Path resolve(Path base, String word) {
        String home = System.getProperty("user.home", "");
        if (!home.isEmpty() && (word.equals("~") || word.startsWith("~/"))) {
            return Path.of(home + word.substring(1));
        }
        return base.resolve(word);
    }

    /** Why a host file could not be used, in the words of the C library: "no such file or directory". */
    public static String why(IOException e) {
        return switch (e) {
            case NoSuchFileException x -> "no such file or directory";
            case AccessDeniedException x -> "permission denied";
            case NotDirectoryException x -> "not a directory";
            case FileAlreadyExistsException x -> "file exists";
            case DirectoryNotEmptyException x -> "directory not empty";
            // The operating system's own reason ("Is a directory", "No space left on device"), without the path.
            case FileSystemException x when x.getReason() != null -> x.getReason().toLowerCase(Locale.ROOT);
            default -> e.getMessage() == null ? "input/output error" : e.getMessage();
        };
    }
}
