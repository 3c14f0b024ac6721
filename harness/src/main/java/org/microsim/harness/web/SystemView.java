package org.microsim.harness.web;

import java.util.List;
import org.microsim.abi.devd.LsdevEntry;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.TraceEvent;

/**
 * What the web view shows of a machine, read at a quiet point without letting it run: the kernel's tasks and
 * trace, devd's port tree and the service manager's services as each last published them.
 *
 * @param now virtual nanoseconds since boot
 * @param tasks every task slot's latest incarnation, as {@code ps} lists them
 * @param devices the port tree, as {@code lsdev} lists it (the drivers' states there are devd's, older than
 *     {@code services})
 * @param services every service, as {@code services} lists them
 * @param trace the kernel events so far, in order, as {@code --trace} writes them
 */
public record SystemView(long now, List<TaskInfo> tasks, List<LsdevEntry> devices, List<ServiceStatus> services,
        List<TraceEvent> trace) {
    /** Copies the lists. */
    public SystemView {
        tasks = List.copyOf(tasks);
        devices = List.copyOf(devices);
        services = List.copyOf(services);
        trace = List.copyOf(trace);
    }
}
