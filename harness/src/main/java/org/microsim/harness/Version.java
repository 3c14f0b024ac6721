package org.microsim.harness;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code sim --version}: the project version recorded by Maven in the jar, and the Java running it. */
final class Version {
    private static final String POM_PROPERTIES = "/META-INF/maven/org.microsim/harness/pom.properties";

    private Version() {
    }

    /** {@code sim VERSION (Java VERSION)}. */
    static String line() {
        return "sim " + projectVersion() + " (Java " + Runtime.version() + ")";
    }

    private static String projectVersion() {
        try (InputStream in = Version.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in == null) {
                return "(development build)";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "(unknown version)");
        } catch (IOException e) {
            return "(unknown version)";
        }
    }
}
