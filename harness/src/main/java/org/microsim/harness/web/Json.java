package org.microsim.harness.web;

import java.util.List;
import org.microsim.harness.trace.JsonText;

/**
 * JSON objects for the feed, written the same way every time (fields in the order given), so that two objects
 * are equal exactly when their texts are: the feed compares texts to find what changed.
 */
final class Json {
    private Json() {
    }

    /**
     * An object from name, value pairs; a value is a string, a number, a boolean or a list of strings.
     *
     * @throws IllegalArgumentException for an odd number of words or a value of another type
     */
    static String object(Object... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("a JSON object needs name, value pairs");
        }
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            out.append(i == 0 ? "" : ",").append(JsonText.quote((String) pairs[i])).append(':');
            value(out, pairs[i + 1]);
        }
        return out.append('}').toString();
    }

    private static void value(StringBuilder out, Object value) {
        switch (value) {
            case String s -> out.append(JsonText.quote(s));
            case Long n -> out.append(n);
            case Integer n -> out.append(n);
            case Boolean b -> out.append(b);
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    out.append(i == 0 ? "" : ",").append(JsonText.quote((String) list.get(i)));
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("no JSON form for " + value.getClass().getSimpleName());
        }
    }
}
