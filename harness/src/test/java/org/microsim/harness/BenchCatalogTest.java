package org.microsim.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.benchfixture.SampleBench;

class BenchCatalogTest {
    private static final String FIXTURES = "org.microsim.harness.benchfixture";

    @Test
    void listsClassesWithAMainInAClassDirectory() {
        BenchCatalog catalog = BenchCatalog.of(SampleBench.class, FIXTURES);
        assertEquals(List.of("SampleBench"), catalog.names());
        assertTrue(catalog.find("sample").isPresent());
        assertTrue(catalog.find("SAMPLEBENCH").isPresent());
        assertTrue(catalog.find("NotABenchmark").isEmpty());
    }

    @Test
    void listsClassesWithAMainInAJar(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("b.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> type : List.of(SampleBench.class, BenchCatalogTest.class)) {
                String entry = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = type.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Class<?> anchor = loader.loadClass(SampleBench.class.getName());
            assertEquals(List.of("SampleBench"), BenchCatalog.of(anchor, FIXTURES).names());
        }
    }

    @Test
    void launcherRunsAndReportsFailures() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        BenchLauncher launcher = new BenchLauncher(BenchCatalog.of(SampleBench.class, FIXTURES),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, launcher.launch(null, List.of()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("  SampleBench"));
        assertEquals(0, launcher.launch("sample", List.of("-f", "1")));
        assertEquals(List.of("-f", "1"), SampleBench.RUNS.get(SampleBench.RUNS.size() - 1));
        assertEquals(1, launcher.launch("sample", List.of("fail")));
        assertEquals("sim: benchmark sample failed: IllegalStateException: asked to fail\n",
                err.toString(StandardCharsets.UTF_8));
    }
}
