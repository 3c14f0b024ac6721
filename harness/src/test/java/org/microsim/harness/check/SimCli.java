package org.microsim.harness.check;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.microsim.harness.Main;
import org.microsim.harness.SessionFactory;

/**
 * One {@code sim} command line run in this process on the given machines, as the tests of this package use it.
 *
 * @param code the exit code
 * @param out what it printed
 * @param err what it printed on standard error
 */
record SimCli(int code, String out, String err) {
    static SimCli run(SessionFactory machines, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(machines, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
        return new SimCli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
