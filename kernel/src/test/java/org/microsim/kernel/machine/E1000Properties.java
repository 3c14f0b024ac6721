package org.microsim.kernel.machine;

import org.microsim.kernel.InterruptLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.microsim.kernel.machine.E1000Test.*;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Mmio;

/** Random register writes, ring pointers and frames never make the NIC model throw, and it recovers on reset. */
class E1000Properties {
    @Property(tries = 80)
    void randomAbuseNeverBreaksTheModel(@ForAll long seed) {
        Random random = new Random(seed);
        PhysicalMemory memory = new PhysicalMemory(1 << 24);
        ManualTimeline timeline = new ManualTimeline();
        E1000 nic = new E1000(memory, timeline, new InterruptLine(11), MAC, 1000);
        LoopbackLink cable = new LoopbackLink();
        nic.connect(cable);
        Mmio bar = nic.mmio();
        DmaBuffer ring = memory.allocate(4096, "nic").orElseThrow();
        int[] regs = {CTRL, STATUS, EERD, MDIC, ICR, ICS, IMS, IMC, RCTL, TCTL, RDBAL, RDBAH, RDLEN, RDH, RDT, TDBAL,
                TDBAH, TDLEN, TDH, TDT, MPC, RAL0, RAH0};
        for (int step = 0; step < 300; step++) {
            switch (random.nextInt(7)) {
                case 0 -> bar.write32(random.nextInt(0x20000 / 4) * 4, random.nextInt());
                case 1 -> bar.write32(regs[random.nextInt(regs.length)],
                        random.nextBoolean() ? random.nextInt() : random.nextInt(300));
                case 2 -> {
                    long where = random.nextBoolean() ? ring.physAddress() + 16L * random.nextInt(256) : random.nextLong();
                    ring.putLong(16 * random.nextInt(256), where);
                    ring.putInt(16 * random.nextInt(256) + 8, random.nextInt());
                }
                case 3 -> {
                    bar.write32(random.nextBoolean() ? RDBAL : TDBAL, (int) ring.physAddress());
                    bar.write32(random.nextBoolean() ? RDLEN : TDLEN, 128 * random.nextInt(40));
                }
                case 4 -> nic.receive(new byte[random.nextInt(3000)]);
                case 5 -> cable.setUp(random.nextBoolean());
                default -> timeline.advance(random.nextInt(5000));
            }
            bar.read32(regs[random.nextInt(regs.length)]);
        }
        timeline.runUntilIdle();
        cable.setUp(true);
        bar.write32(CTRL, 1 << 26);
        ring.clear(0, 4096);
        DmaBuffer buffers = memory.allocate(2 * 2048, "nic").orElseThrow();
        ring.putLong(0, buffers.physAddress());
        bar.write32(RDBAL, (int) ring.physAddress());
        bar.write32(RDBAH, (int) (ring.physAddress() >>> 32));
        bar.write32(RDLEN, 128);
        bar.write32(RDH, 0);
        bar.write32(RDT, 1);
        bar.write32(RCTL, 2);
        bar.read32(MPC);
        nic.receive(frame(MAC, 64, (byte) 1));
        assertEquals(1, bar.read32(RDH));
        assertEquals(64, ring.getInt(8) & 0xffff);
    }
}
