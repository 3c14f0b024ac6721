package org.microsim.abi.svc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.MalformedException;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/** The shape of service and port names on this protocol, and the codec of name lists. */
final class Names {
    static final int MAX_NAME = 32;
    static final int MAX_LIST = 16;

    private Names() {
    }

    /** Why {@code name} is not a usable name, or null when it is. */
    static String problem(String what, String name) {
        if (name == null || name.isEmpty()) {
            return what + " is empty";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME) {
            return what + " '" + name + "' is longer than " + MAX_NAME + " bytes";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == ',') {
                return what + " '" + name + "' contains a space, a comma or a control character";
            }
        }
        return null;
    }

    static String read(WireReader r, String what) throws MalformedException {
        String name = r.string(what);
        String problem = problem(what, name);
        if (problem != null) {
            throw new MalformedException(problem);
        }
        return name;
    }

    static void writeList(WireWriter w, List<String> names) {
        w.u8(names.size());
        names.forEach(w::string);
    }

    static List<String> readList(WireReader r, String what) throws MalformedException {
        int n = r.u8(what + " count");
        if (n > MAX_LIST) {
            throw new MalformedException(what + " count " + n + " is over " + MAX_LIST);
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = read(r, what);
            if (out.contains(name)) {
                throw new MalformedException(what + " '" + name + "' is listed twice");
            }
            out.add(name);
        }
        return List.copyOf(out);
    }

    /** Checks a list a program builds (its bug, so it fails fast). */
    static List<String> checkList(String what, List<String> names) {
        List<String> copy = List.copyOf(names);
        if (copy.size() > MAX_LIST) {
            throw new IllegalArgumentException("more than " + MAX_LIST + " " + what + "s");
        }
        for (String n : copy) {
            String problem = problem(what, n);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
        if (copy.stream().distinct().count() != copy.size()) {
            throw new IllegalArgumentException(what + "s are listed twice: " + copy);
        }
        return copy;
    }
}
