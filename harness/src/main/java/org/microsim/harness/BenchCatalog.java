package org.microsim.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The benchmarks {@code sim bench} knows: the classes directly in one package that have a
 * {@code public static void main(String[])}, found in the jar or class directory the package was loaded
 * from. A benchmark is named by its simple class name, case-insensitively, with or without a trailing
 * {@code Bench} or {@code Benchmark}: {@code sim bench ipc} runs {@code IpcBench}.
 */
final class BenchCatalog {
    /** Where the project's benchmarks live. */
    static final String PACKAGE = "org.microsim.harness.bench";

    private static final String CLASS_SUFFIX = ".class";

    private final SortedMap<String, String> mains;
    private final ClassLoader loader;

    private BenchCatalog(SortedMap<String, String> mains, ClassLoader loader) {
        this.mains = mains;
        this.loader = loader;
    }

    /** The benchmarks in {@code packageName}, in the jar or directory {@code anchor} was loaded from. */
    static BenchCatalog of(Class<?> anchor, String packageName) {
        ClassLoader loader = anchor.getClassLoader();
        SortedMap<String, String> mains = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String className : classNames(location(anchor), packageName)) {
            if (hasMain(className, loader)) {
                mains.put(className.substring(className.lastIndexOf('.') + 1), className);
            }
        }
        return new BenchCatalog(Collections.unmodifiableSortedMap(mains), loader);
    }

    /** The benchmarks' simple names, sorted. */
    List<String> names() {
        return List.copyOf(mains.keySet());
    }

    /** The main method of the benchmark called {@code name}, if there is one. */
    Optional<Method> find(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String candidate : List.of(lower, lower + "bench", lower + "benchmark")) {
            String className = mains.get(candidate);
            if (className != null) {
                return Optional.of(mainOf(className, loader));
            }
        }
        return Optional.empty();
    }

    private static Path location(Class<?> anchor) {
        try {
            return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + anchor.getName(), e);
        }
    }

    /** Top-level classes directly in the package (not in sub-packages, not nested). */
    private static List<String> classNames(Path location, String packageName) {
        String prefix = packageName.replace('.', '/') + "/";
        List<String> entries = new ArrayList<>();
        try {
            if (Files.isDirectory(location)) {
                Path directory = location.resolve(prefix);
                if (Files.isDirectory(directory)) {
                    try (Stream<Path> files = Files.list(directory)) {
                        files.forEach(file -> entries.add(prefix + file.getFileName()));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    jar.stream().map(JarEntry::getName).forEach(entries::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + location, e);
        }
        return entries.stream()
                .filter(entry -> entry.startsWith(prefix) && entry.endsWith(CLASS_SUFFIX))
                .map(entry -> entry.substring(prefix.length(), entry.length() - CLASS_SUFFIX.length()))
                .filter(simple -> !simple.contains("/") && !simple.contains("$") && !simple.equals("package-info"))
                .map(simple -> packageName + "." + simple)
                .sorted()
                .toList();
    }

    private static boolean hasMain(String className, ClassLoader loader) {
        try {
            mainOf(className, loader);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Method mainOf(String className, ClassLoader loader) {
        try {
            Method main = Class.forName(className, false, loader).getMethod("main", String[].class);
            if (Modifier.isStatic(main.getModifiers()) && main.getReturnType() == void.class) {
                return main;
            }
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            // Not a runnable benchmark; the catalog lists only those that are.
        }
        throw new IllegalArgumentException(className + " has no public static void main(String[])");
    }
}
