package org.microsim.services.init;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.MalformedException;

/**
 * The services a system runs beyond the service manager and devd, as init reads them from its arguments:
 * one service per line, {@code NAME PROGRAM [needs DEP...]}, {@code #} comments. For example
 * <pre>
 *   vfs    vfs
 *   shell  shell  needs vfs
 * </pre>
 */
public record SystemDescription(List<Service> services) {
    /** One service: its name, its program and the services it needs. */
    public record Service(String name, String program, List<String> needs) {
        public Service {
            needs = List.copyOf(needs);
        }
    }

    public SystemDescription {
        services = List.copyOf(services);
    }

    /**
     * Parses the text form.
     *
     * @throws MalformedException naming the line and the word at fault
     */
    public static SystemDescription parse(String text) throws MalformedException {
        List<Service> services = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].replaceFirst("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (words.length < 2 || (words.length > 2 && !words[2].equals("needs")) || words.length == 3) {
                throw new MalformedException("line " + (i + 1) + ": expected 'NAME PROGRAM [needs DEP...]', got '"
                        + line + "'");
            }
            List<String> needs = words.length > 3 ? List.of(words).subList(3, words.length) : List.of();
            services.add(new Service(words[0], words[1], needs));
        }
        return new SystemDescription(services);
    }

    /** The text form, which {@link #parse} reads back. */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (Service s : services) {
            out.append(s.name()).append(' ').append(s.program());
            if (!s.needs().isEmpty()) {
                out.append(" needs ").append(String.join(" ", s.needs()));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
