package org.microsim.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPathsTest {
    @TempDir
    Path dir;

    @Test
    void tildeIsTheHomeDirectoryAndRelativePathsAreTakenFromTheBase() {
        Path home = Path.of(System.getProperty("user.home"));
        assertEquals(home.resolve("x/y"), HostPaths.resolve(dir, "~/x/y"));
        assertEquals(home, HostPaths.resolve(dir, "~"));
        assertEquals(dir.resolve("~x"), HostPaths.resolve(dir, "~x"));
        assertEquals(dir.resolve("a"), HostPaths.resolve(dir, "a"));
    }

    @Test
    void errorsAreInPlainWordsWithoutJavaNames() {
        IOException missing = org.junit.jupiter.api.Assertions.assertThrows(NoSuchFileException.class,
                () -> Files.readAllBytes(dir.resolve("nope")));
        assertEquals("no such file or directory", HostPaths.why(missing));
        IOException directory = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> Files.write(dir, new byte[1]));
        assertEquals("is a directory", HostPaths.why(directory));
    }
}
