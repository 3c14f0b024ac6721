package org.microsim.harness;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code sim --version}: the project version recorded by Maven in the jar, and the Java running it. */
final class Version implements IVersionProvider {
    private static final String POM_PROPERTIES = "/META-INF/maven/org.microsim/harness/pom.properties";

    @Override
    public String[] getVersion() {
        return new String[] {"sim " + projectVersion() + " (Java " + Runtime.version() + ")"};
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
