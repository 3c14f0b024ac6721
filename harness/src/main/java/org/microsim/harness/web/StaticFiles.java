package org.microsim.harness.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The page's files, from the jar: the page, its script and style (this package's resources) and the graph
 * library, cytoscape.js, from its pinned WebJar. Nothing is fetched from anywhere at run time.
 */
final class StaticFiles {
    /** A file and its content type. */
    record File(String type, byte[] bytes) {
    }

    private static final String HERE = "/org/microsim/harness/web/";
    private static final String CYTOSCAPE = "/META-INF/maven/org.webjars.npm/cytoscape/pom.properties";

    private final Map<String, String> paths;

    StaticFiles() {
        paths = Map.of("/", HERE + "index.html", "/app.js", HERE + "app.js", "/style.css", HERE + "style.css",
                "/lib/cytoscape.min.js", "/META-INF/resources/webjars/cytoscape/" + version(CYTOSCAPE)
                        + "/dist/cytoscape.min.js");
    }

    /** The file served at {@code path}, if any. */
    Optional<File> find(String path) {
        String resource = paths.get(path);
        if (resource == null) {
            return Optional.empty();
        }
        try (InputStream in = StaticFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the build left out " + resource);
            }
            return Optional.of(new File(type(resource), in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String type(String resource) {
        return resource.endsWith(".html") ? "text/html; charset=utf-8"
                : resource.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    }

    /** The WebJar's version, so the path follows the pom's pin without a second copy of the number. */
    private static String version(String pomProperties) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(pomProperties)) {
            if (in == null) {
                throw new IllegalStateException("the build left out " + pomProperties);
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
