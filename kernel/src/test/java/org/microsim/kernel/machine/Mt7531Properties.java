package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.microsim.kernel.machine.Mt7531Test.pvc;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random frames and tags from either side never make the switch throw: each is delivered exactly where the
 * tag_mtk rules say, or dropped and counted. The expectation is computed here, from the rules, not the model.
 */
class Mt7531Properties {
    @Property(tries = 60)
    void framesAreDeliveredAsTheTagSaysOrDroppedAndCounted(@ForAll long seed) {
        Random random = new Random(seed);
        int ports = 1 + random.nextInt(5);
        SwitchRig rig = new SwitchRig(ports);
        RecordingLink[] wires = new RecordingLink[ports];
        boolean[] up = new boolean[ports];
        for (int port = 0; port < ports; port++) {
            wires[port] = new RecordingLink();
            rig.sw.connectPort(port, wires[port]);
            up[port] = random.nextInt(4) != 0;
            wires[port].setUp(up[port]);
        }
        boolean tagging = random.nextBoolean();
        if (tagging) {
            rig.switchWrite(pvc(6), rig.switchRead(pvc(6)) | 1 << 5);
        }
        for (int step = 0; step < 40; step++) {
            long droppedBefore = rig.sw.dropped();
            byte[] frame = randomFrame(random, ports);
            List<byte[]> expectedOut = new ArrayList<>();
            byte[] expectedNic = null;
            boolean fromNic = random.nextBoolean();
            int from = random.nextInt(ports);
            if (fromNic) {
                int mask = tagging ? frame.length >= 18 && validTag(frame) ? frame[13] & 0x3f : 0
                        : frame.length >= 14 ? 0x3f : 0;
                byte[] egress = tagging && frame.length >= 18 ? stripped(frame) : frame;
                for (int port = 0; port < ports; port++) {
                    expectedOut.add((mask & 1 << port) != 0 && up[port] ? egress : null);
                }
                rig.transmit(frame);
            } else {
                for (int port = 0; port < ports; port++) {
                    boolean flooded = !tagging && port != from && up[port] && frame.length >= 14;
                    expectedOut.add(flooded ? frame : null);
                }
                if (frame.length >= 14) {
                    expectedNic = tagging ? Mt7531Test.tagged(frame, 0, from, 0, 0) : frame;
                }
                wires[from].inject(frame);
            }
            boolean delivered = expectedNic != null || expectedOut.stream().anyMatch(f -> f != null);
            assertEquals(droppedBefore + (delivered ? 0 : 1), rig.sw.dropped(), "dropped and counted, step " + step);
            for (int port = 0; port < ports; port++) {
                List<byte[]> got = wires[port].take();
                if (expectedOut.get(port) == null) {
                    assertEquals(0, got.size(), "nothing out of port " + port + ", step " + step);
                } else {
                    assertEquals(1, got.size(), "one frame out of port " + port + ", step " + step);
                    assertArrayEquals(expectedOut.get(port), got.get(0));
                }
            }
            byte[] atNic = rig.received();
            if (expectedNic == null) {
                assertNull(atNic, "nothing at the NIC, step " + step);
            } else {
                assertArrayEquals(expectedNic, atNic, "the NIC's frame, step " + step);
            }
        }
    }

    @Property(tries = 40)
    void mdioAbuseNeverThrowsAndResetRecovers(@ForAll long seed) {
        Random random = new Random(seed);
        SwitchRig rig = new SwitchRig(4);
        RecordingLink wire = new RecordingLink();
        rig.sw.connectPort(0, wire);
        for (int step = 0; step < 300; step++) {
            int op = random.nextInt(4) << 26;
            int phy = random.nextBoolean() ? 0x1f : random.nextInt(32);
            int register = random.nextBoolean() ? random.nextInt(32) : 0x10 + random.nextInt(2) * 0xf;
            rig.mdic(op, phy, register, random.nextInt());
            if (random.nextInt(10) == 0) {
                rig.switchWrite(random.nextInt(0x10000) & ~3, random.nextInt());
            }
        }
        rig.switchWrite(0x7000, 1 << 1);
        assertEquals(0x7531, rig.switchRead(0x781c) >>> 16);
        byte[] frame = Mt7531Test.frame("ff:ff:ff:ff:ff:ff", 0x0800, 60, 3);
        rig.transmit(frame);
        assertArrayEquals(frame, wire.take().get(0), "after reset the switch floods untagged");
    }

    /** Mostly plausible frames with valid tags, some short, some with a malformed tag byte. */
    private static byte[] randomFrame(Random random, int ports) {
        int length = switch (random.nextInt(6)) {
            case 0 -> 1 + random.nextInt(20);
            default -> 18 + random.nextInt(300);
        };
        byte[] frame = new byte[length];
        random.nextBytes(frame);
        if (length >= 14 && random.nextInt(4) != 0) {
            frame[12] = (byte) random.nextInt(3);
            frame[13] = (byte) (random.nextInt(1 << ports) | (random.nextInt(4) == 0 ? 1 << 6 : 0));
        }
        return frame;
    }

    private static boolean validTag(byte[] frame) {
        return (frame[12] & 0xff) <= 2 && (frame[13] & 0x80) == 0;
    }

    /** What leaves a user port for a valid tagged frame from the CPU port, per tag_mtk. */
    private static byte[] stripped(byte[] frame) {
        int kind = frame[12] & 0xff;
        if (kind == 0) {
            byte[] out = new byte[frame.length - 4];
            System.arraycopy(frame, 0, out, 0, 12);
            System.arraycopy(frame, 16, out, 12, frame.length - 16);
            return out;
        }
        byte[] out = frame.clone();
        out[12] = (byte) (kind == 1 ? 0x81 : 0x88);
        out[13] = (byte) (kind == 1 ? 0x00 : 0xa8);
        return out;
    }
}
