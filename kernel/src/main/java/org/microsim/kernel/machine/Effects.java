package org.microsim.kernel.machine;

import java.util.ArrayList;
import java.util.List;

/**
 * What a model decided to do to the outside world while it held its own lock: raise its interrupt, schedule
 * a callback, put a frame on a wire. They run after the lock is released, so a model never calls the
 * kernel, the timeline or another model while holding its state, and two models can never deadlock.
 */
final class Effects {
    private final List<Runnable> actions = new ArrayList<>(2);

    void add(Runnable action) {
        actions.add(action);
    }

    void run() {
        for (Runnable action : actions) {
            action.run();
        }
    }
}
