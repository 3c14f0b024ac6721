package org.microsim.harness.session;

import org.microsim.harness.MachineOptions;
import org.microsim.harness.Session;
import org.microsim.harness.SessionFactory;

/** The real machine behind the {@code sim} command (found by ServiceLoader). */
public final class SimSessionFactory implements SessionFactory {
    @Override
    public Session open(MachineOptions options) {
        return new SimSession(options);
    }
}
