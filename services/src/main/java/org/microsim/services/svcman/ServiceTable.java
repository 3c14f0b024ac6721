package org.microsim.services.svcman;

import java.util.List;
import org.microsim.abi.svc.ServiceStatus;

/**
 * The {@code services} command's table: one line per service, {@code NAME STATE restarts=N deps=a,b}, with
 * {@code deps=-} for none and, when there is one, {@code why="..."} saying why it failed or last crashed.
 * For example {@code partd ready restarts=1 deps=ahci}.
 */
public final class ServiceTable {
    private ServiceTable() {
    }

    /** One line per status, in the order given, each ending in a newline. */
    public static String render(List<ServiceStatus> statuses) {
        StringBuilder out = new StringBuilder();
        for (ServiceStatus s : statuses) {
            out.append(line(s)).append('\n');
        }
        return out.toString();
    }

    /** The line of one service, without a newline. */
    public static String line(ServiceStatus s) {
        String deps = s.deps().isEmpty() ? "-" : String.join(",", s.deps());
        String line = s.name() + " " + s.state().word() + " restarts=" + s.restarts() + " deps=" + deps;
        return s.detail().isEmpty() ? line : line + " why=\"" + s.detail().replace("\"", "'") + "\"";
    }
}
