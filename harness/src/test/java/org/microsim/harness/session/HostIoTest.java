package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostIoTest {
    @Test
    void stepsRunInOrderOneAtATimeAndFinishWaitsForTheLast() throws Exception {
        for (boolean overlap : new boolean[] {false, true}) {
            List<Integer> done = Collections.synchronizedList(new ArrayList<>());
            try (HostIo io = new HostIo(overlap)) {
                for (int i = 0; i < 50; i++) {
                    int step = i;
                    io.start(() -> done.add(step));
                }
                io.finish();
                assertEquals(50, done.size());
                for (int i = 0; i < 50; i++) {
                    assertEquals(i, done.get(i));
                }
            }
        }
    }

    @Test
    void aFailedStepIsThrownByTheNextStartOrFinish() throws Exception {
        for (boolean overlap : new boolean[] {false, true}) {
            try (HostIo io = new HostIo(overlap)) {
                IOException failure = new IOException("disk full");
                if (overlap) {
                    io.start(() -> {
                        throw failure;
                    });
                    assertEquals(failure, assertThrows(IOException.class, () -> io.start(() -> { })));
                    io.start(() -> {
                        throw new IllegalStateException("bug");
                    });
                    assertTrue(assertThrows(IOException.class, io::finish).getCause() instanceof IllegalStateException);
                } else {
                    assertEquals(failure, assertThrows(IOException.class, () -> io.start(() -> {
                        throw failure;
                    })));
                }
                io.finish();
            }
        }
    }
}
