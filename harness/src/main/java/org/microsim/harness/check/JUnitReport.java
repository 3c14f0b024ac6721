package org.microsim.harness.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A campaign's results as JUnit XML, the one report format every CI shows: one {@code testsuite}, one
 * {@code testcase} per seed named {@code seed N}, and for a failing seed a {@code failure} whose type is the
 * invariant and whose text is the reproduce line. {@link #read} takes the files of several shards back, so
 * {@code sim check --merge DIR} writes one report for a campaign run on many machines.
 */
final class JUnitReport {
    /**
     * One seed's result.
     *
     * @param seed the seed
     * @param seconds its wall time
     * @param failure the invariant and detail of a failure, if it failed
     * @param reproduce the reproduce line of a failure (empty when it passed)
     */
    record Case(long seed, double seconds, Optional<String> invariant, String failure, String reproduce) {
    }

    private JUnitReport() {
    }

    static void write(Path file, String suite, List<Case> cases) throws IOException {
        List<Case> sorted = cases.stream().sorted(Comparator.comparingLong(Case::seed)).toList();
        long failures = sorted.stream().filter(c -> c.invariant().isPresent()).count();
        double seconds = sorted.stream().mapToDouble(Case::seconds).sum();
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<testsuite name=\"").append(escape(suite)).append("\" tests=\"").append(sorted.size())
                .append("\" failures=\"").append(failures).append("\" errors=\"0\" skipped=\"0\" time=\"")
                .append(format(seconds)).append("\">\n");
        for (Case c : sorted) {
            xml.append("  <testcase classname=\"").append(escape(suite)).append("\" name=\"seed ").append(c.seed())
                    .append("\" time=\"").append(format(c.seconds())).append('"');
            if (c.invariant().isEmpty()) {
                xml.append("/>\n");
            } else {
                xml.append(">\n    <failure type=\"").append(escape(c.invariant().get())).append("\" message=\"")
                        .append(escape(c.failure())).append("\">").append(escape(c.reproduce()))
                        .append("</failure>\n  </testcase>\n");
            }
        }
        xml.append("</testsuite>\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, xml, StandardCharsets.UTF_8);
    }

    /** The suite name and cases of a file this class wrote. */
    record Suite(String name, List<Case> cases) {
    }

    /**
     * Reads a report back.
     *
     * @throws IOException if it cannot be read or is not such a report (the message says which)
     */
    static Suite read(Path file) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element root = factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
            if (!root.getTagName().equals("testsuite")) {
                throw new IOException(file + ": not a JUnit report of sim check (no testsuite)");
            }
            List<Case> cases = new ArrayList<>();
            NodeList testcases = root.getElementsByTagName("testcase");
            for (int i = 0; i < testcases.getLength(); i++) {
                Element testcase = (Element) testcases.item(i);
                String name = testcase.getAttribute("name");
                if (!name.startsWith("seed ")) {
                    throw new IOException(file + ": test case '" + name + "' is not a seed of sim check");
                }
                NodeList failure = testcase.getElementsByTagName("failure");
                Optional<Element> f = failure.getLength() == 0 ? Optional.empty() : Optional.of((Element) failure.item(0));
                cases.add(new Case(Long.parseLong(name.substring(5).strip()), seconds(testcase.getAttribute("time")),
                        f.map(e -> e.getAttribute("type")), f.map(e -> e.getAttribute("message")).orElse(""),
                        f.map(Element::getTextContent).orElse("")));
            }
            return new Suite(root.getAttribute("name"), cases);
        } catch (SAXException | NumberFormatException e) {
            throw new IOException(file + ": not a JUnit report of sim check (" + e.getMessage() + ")");
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be configured", e);
        }
    }

    private static double seconds(String text) {
        return text.isEmpty() ? 0 : Double.parseDouble(text);
    }

    private static String format(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\n' -> out.append("&#10;");
                default -> out.append(c < 0x20 && c != '\t' ? ' ' : c);
            }
        }
        return out.toString();
    }
}
