package org.microsim.abi;

import java.util.List;

/**
 * What a task is given when it starts: its program name, the handles its spawner transferred (in order)
 * and argument bytes whose layout is the program's own business.
 */
public record StartInfo(String program, String taskName, List<Handle> handles, byte[] args) {
    public StartInfo {
        handles = List.copyOf(handles);
        args = args.clone();
    }

    @Override
    public byte[] args() {
        return args.clone();
    }

    /** The i-th start handle, or null when the spawner gave fewer. */
    public Handle handle(int i) {
        return i < handles.size() ? handles.get(i) : null;
    }
}
