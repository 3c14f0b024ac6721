package org.microsim.abi.svc;

import java.util.List;
import org.microsim.abi.MalformedException;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * One service as the STATUS and LIST replies report it: name, state, how often it was restarted after a
 * crash, its direct dependencies and a free-text detail (why it failed; empty otherwise).
 */
public record ServiceStatus(String name, ServiceState state, int restarts, List<String> deps, String detail) {
    /** Copies the dependency list. */
    public ServiceStatus {
        deps = List.copyOf(deps);
    }

    /** Appends the wire form: name str, state u8, restarts u32, deps (u8 count, strs), detail str. */
    public void write(WireWriter w) {
        w.string(name).u8(state.code()).i32(restarts);
        Names.writeList(w, deps);
        w.string(detail);
    }

    /**
     * Reads the wire form.
     *
     * @throws MalformedException for short buffers, bad names or an unknown state
     */
    public static ServiceStatus read(WireReader r) throws MalformedException {
        String name = Names.read(r, "service name");
        ServiceState state = ServiceState.fromCode(r.u8("state"));
        int restarts = r.i32("restarts");
        if (restarts < 0) {
            throw new MalformedException("restarts count is negative");
        }
        List<String> deps = Names.readList(r, "dependency");
        return new ServiceStatus(name, state, restarts, deps, r.string("detail"));
    }
}
