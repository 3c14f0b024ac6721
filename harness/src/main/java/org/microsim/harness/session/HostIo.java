package org.microsim.harness.session;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Host-file work of get and put on a helper thread, one step at a time, so that it overlaps the simulated
 * system's work instead of adding to it: put reads the next piece of the host file while the simulator
 * writes this one, get writes the last piece while the simulator reads the next.
 *
 * <pre>
 *  console:  call(piece 1) ───── call(piece 2) ───── call(piece 3) ──
 *  host io:         write(piece 1) ───── write(piece 2) ───── ...
 * </pre>
 *
 * The thread touches only host files and the console's own buffers, never the simulated system, so a run
 * stays as reproducible as it was.
 */
final class HostIo implements AutoCloseable {
    /** A piece of host-file work. */
    @FunctionalInterface
    interface Step {
        void run() throws IOException;
    }

    private final ExecutorService thread;
    private Future<Void> pending;

    /**
     * @param overlap false runs every step at once on the caller's thread: a transfer of one piece has nothing
     *                to overlap and should not pay for a thread
     */
    HostIo(boolean overlap) {
        thread = overlap ? Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("console-host-io")
                .factory()) : null;
    }

    /** Starts {@code step} once the previous one is done; a failure of the previous one is thrown here. */
    void start(Step step) throws IOException {
        finish();
        if (thread == null) {
            step.run();
            return;
        }
        pending = thread.submit(() -> {
            step.run();
            return null;
        });
    }

    /** Waits for the step in progress, if any; its failure is thrown here. */
    void finish() throws IOException {
        if (pending == null) {
            return;
        }
        try {
            pending.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the host file was being read or written");
        } finally {
            pending = null;
        }
    }

    /** Waits for the step in progress and ends the thread. */
    @Override
    public void close() {
        if (thread != null) {
            thread.close();
        }
    }
}
