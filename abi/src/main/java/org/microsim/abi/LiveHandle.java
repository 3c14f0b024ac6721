package org.microsim.abi;

import java.time.Duration;

/**
 * A start handle whose port may have been replaced since it was given. A supervisor restarts a driver with
 * the handles it first had; when the parent driver was restarted too, the handle names the dead incarnation
 * of the parent's port. The port's name survives, so the driver looks it up again, waiting for the new
 * incarnation to appear, as Hubris clients do after a peer's restart.
 */
public final class LiveHandle {
    private LiveHandle() {
    }

    /** {@code given} when its port is alive, else a fresh handle to the port that now has its name. */
    public static Result<Handle> of(Sys sys, Handle given, Duration timeout) {
        return switch (sys.inspect(given)) {
            case Result.Ok<HandleInfo>(HandleInfo info) when info.alive() -> Result.ok(given);
            case Result.Ok<HandleInfo>(HandleInfo info) -> sys.lookup(info.portName(), timeout);
            case Result.Err<HandleInfo>(SysError e) -> Result.err(e);
        };
    }
}
