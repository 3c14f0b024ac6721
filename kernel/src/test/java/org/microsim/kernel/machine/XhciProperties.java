package org.microsim.kernel.machine;

import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.microsim.abi.DmaBuffer;

/**
 * Nothing a guest writes makes the xHCI model throw or hang: random register writes, random TRBs on the command
 * and transfer rings, random input contexts, random doorbells, with a stick and a hub plugged in and pulled out.
 */
class XhciProperties {
    @Property(tries = 200)
    void randomRegistersRingsAndContextsNeverBreakTheModel(@ForAll long seed,
                                                           @ForAll @IntRange(min = 1, max = 60) int steps) {
        Random random = new Random(seed);
        XhciClient c = new XhciClient();
        c.start(random.nextInt(4) + 1, random.nextInt(20) + 1);
        c.hc.attach(List.of(1), new UsbStick(new MemoryImage(16), "S"));
        c.hc.attach(List.of(2), new UsbHub(2));
        DmaBuffer scratch = c.alloc(4096);
        for (int step = 0; step < steps; step++) {
            switch (random.nextInt(7)) {
                case 0 -> c.bar.write32(random.nextInt((int) XhciController.BAR0_SIZE / 4) * 4L, random.nextInt());
                case 1 -> {
                    // A TRB of any type, flags and parameter on the command ring (often a real scratch address).
                    long parameter = random.nextBoolean() ? scratch.physAddress() + random.nextInt(64) * 16L
                            : random.nextLong();
                    c.commands.put(parameter, random.nextInt(), random.nextInt());
                    c.bar.write32(0x2000, 0);
                }
                case 2 -> {
                    byte[] junk = new byte[4096];
                    random.nextBytes(junk);
                    scratch.write(0, junk, 0, junk.length);
                    c.dcbaa.putLong(8 * (1 + random.nextInt(8)), scratch.physAddress() + random.nextInt(8) * 64L);
                }
                case 3 -> c.bar.write32(0x2000 + 4L * random.nextInt(66), random.nextInt(40));
                case 4 -> c.hc.detach(List.of(1 + random.nextInt(3)));
                case 5 -> c.hc.attach(List.of(1 + random.nextInt(8)), new UsbStick(new MemoryImage(16), "T"));
                default -> c.bar.write32(0x440 + 0x10L * random.nextInt(8), random.nextInt());
            }
            c.timeline.advance(random.nextInt(50_000));
            c.bar.read32(random.nextInt((int) XhciController.BAR0_SIZE / 4) * 4L);
        }
        c.timeline.runUntilIdle();
        c.events();
    }

    @Property(tries = 100)
    void randomSetupPacketsAndPacketsNeverBreakTheDevices(@ForAll @Size(min = 1, max = 40) List<Long> packets) {
        UsbStick stick = new UsbStick(new MemoryImage(16), "S");
        UsbHub hub = new UsbHub(3);
        hub.connect(1, stick);
        for (long p : packets) {
            byte[] data = new byte[(int) (p >>> 58)];
            new Random(p).nextBytes(data);
            for (UsbDevice d : List.of(stick, hub)) {
                d.control(UsbDevice.Setup.of(p), data);
                d.out((int) (p & 0xf), data);
                d.in((int) (p >>> 4 & 0xf), (int) (p >>> 8 & 0xffff));
                if ((p & 0xff) == 0) {
                    d.busReset();
                }
            }
        }
    }
}
