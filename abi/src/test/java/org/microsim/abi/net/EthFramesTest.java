package org.microsim.abi.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.MalformedException;

/** The frame packing of SEND and RECEIVE leases: packing into a given buffer, views, and what a bad batch gets. */
class EthFramesTest {
    private static final List<byte[]> FRAMES = List.of(frame(60, 1), frame(1514, 2), frame(61, 3));

    @Test
    void packIntoWritesWhatPackGives() {
        byte[] out = new byte[EthFrames.packedSize(FRAMES) + 10];
        int used = EthFrames.packInto(FRAMES, out);
        assertEquals(EthFrames.packedSize(FRAMES), used);
        assertArrayEquals(EthFrames.pack(FRAMES), Arrays.copyOf(out, used));
    }

    @Test
    void forEachHandsOutViewsOfTheFramesInOrder() throws MalformedException {
        byte[] packed = EthFrames.pack(FRAMES);
        List<byte[]> seen = new ArrayList<>();
        EthFrames.forEach(packed, packed.length, FRAMES.size(), (b, offset, length) -> {
            assertTrue(b == packed, "a view, not a copy");
            seen.add(Arrays.copyOfRange(b, offset, offset + length));
        });
        assertEquals(FRAMES.size(), seen.size());
        for (int i = 0; i < FRAMES.size(); i++) {
            assertArrayEquals(FRAMES.get(i), seen.get(i));
            assertArrayEquals(FRAMES.get(i), EthFrames.unpack(packed, packed.length, FRAMES.size()).get(i));
        }
    }

    /** Every frame is checked before the first is handed out: a batch with a bad tail gives none. */
    @Test
    void aBadBatchGivesNoFrameAtAll() {
        byte[] packed = EthFrames.pack(FRAMES);
        List<Integer> seen = new ArrayList<>();
        MalformedException e = assertThrows(MalformedException.class, () -> EthFrames.forEach(packed,
                packed.length - 1, FRAMES.size(), (b, offset, length) -> seen.add(length)));
        assertEquals("frame 2 of 61 bytes runs past the lease", e.getMessage());
        assertEquals(List.of(), seen);
        assertThrows(MalformedException.class, () -> EthFrames.check(packed, packed.length, FRAMES.size() - 1));
    }

    private static byte[] frame(int length, int fill) {
        byte[] f = new byte[length];
        Arrays.fill(f, (byte) fill);
        return f;
    }
}
