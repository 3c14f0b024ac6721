package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.microsim.kernel.machine.AhciClient.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.microsim.abi.DmaBuffer;

/** The AHCI model against a byte array, and against random abuse. */
class AhciProperties {
    private static final int SECTORS = 256;
    private static final int MAX_COUNT = 16;

    /** One command: lba may run past the end, to check the abort path in the same sequences. */
    record Op(boolean write, int lba, int count, long seed) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, SECTORS + 4),
                Arbitraries.integers().between(1, MAX_COUNT), Arbitraries.longs()).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 60)
    void readsAndWritesAgreeWithAByteArray(@ForAll("ops") List<Op> ops) {
        byte[] model = new byte[SECTORS * 512];
        AhciClient c = new AhciClient(List.of(new MemoryImage(SECTORS)));
        c.start(0);
        DmaBuffer buf = c.alloc(MAX_COUNT * 512 + 4096);
        int slot = 0;
        for (Op op : ops) {
            Random random = new Random(op.seed());
            int bytes = op.count() * 512;
            List<Prd> prdt = new ArrayList<>();
            int[] offsets = scatter(random, bytes, prdt, buf.physAddress());
            byte[] data = new byte[bytes];
            if (op.write()) {
                random.nextBytes(data);
                place(buf, prdt, offsets, data);
            }
            slot = (slot + 1) % 32;
            c.port(0, PX_IS, -1);
            int is = c.run(0, slot, op.write() ? WRITE_DMA_EXT : READ_DMA_EXT, op.lba(), op.count(), op.write(), prdt);
            boolean inRange = op.lba() + op.count() <= SECTORS;
            assertEquals(inRange ? 0 : IS_TFES, is & (IS_TFES | IS_HBFS | IS_OFS), op.toString());
            if (!inRange) {
                c.port(0, PX_CMD, CMD_FRE);
                c.port(0, PX_CMD, CMD_FRE | CMD_ST);
                continue;
            }
            if (op.write()) {
                System.arraycopy(data, 0, model, op.lba() * 512, bytes);
            } else {
                byte[] got = gather(buf, prdt, offsets, bytes);
                byte[] expected = java.util.Arrays.copyOfRange(model, op.lba() * 512, op.lba() * 512 + bytes);
                assertArrayEquals(expected, got, op.toString());
            }
            assertEquals(bytes, c.prdbc(0, slot));
        }
    }

    /** Cuts {@code bytes} into 1-6 even pieces and places them in the buffer in a shuffled order, apart. */
    private static int[] scatter(Random random, int bytes, List<Prd> prdt, long base) {
        int pieces = 1 + random.nextInt(Math.min(6, bytes / 2));
        List<Integer> cuts = new ArrayList<>(List.of(0, bytes));
        while (cuts.size() < pieces + 1) {
            int cut = 2 * (1 + random.nextInt(bytes / 2 - 1));
            if (!cuts.contains(cut)) {
                cuts.add(cut);
            }
        }
        cuts.sort(null);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, random);
        int[] offsets = new int[pieces];
        int at = 2 * random.nextInt(100);
        for (int i : order) {
            offsets[i] = at;
            at += cuts.get(i + 1) - cuts.get(i) + 2 * random.nextInt(8);
        }
        for (int i = 0; i < pieces; i++) {
            prdt.add(new Prd(base + offsets[i], cuts.get(i + 1) - cuts.get(i)));
        }
        return offsets;
    }

    private static void place(DmaBuffer buf, List<Prd> prdt, int[] offsets, byte[] data) {
        int at = 0;
        for (int i = 0; i < prdt.size(); i++) {
            buf.write(offsets[i], data, at, prdt.get(i).bytes());
            at += prdt.get(i).bytes();
        }
    }

    private static byte[] gather(DmaBuffer buf, List<Prd> prdt, int[] offsets, int bytes) {
        byte[] out = new byte[bytes];
        int at = 0;
        for (int i = 0; i < prdt.size(); i++) {
            buf.read(offsets[i], out, at, prdt.get(i).bytes());
            at += prdt.get(i).bytes();
        }
        return out;
    }

    /**
     * Random register writes and commands whose tables and PRDTs point anywhere (unmapped, overlapping the
     * command list, zero-length tables, huge counts) never make the model throw, and after an HBA reset it
     * serves a proper IDENTIFY again.
     */
    @Property(tries = 80)
    void randomRegistersAndDmaAddressesNeverBreakTheModel(@ForAll long seed) {
        Random random = new Random(seed);
        AhciClient c = new AhciClient(List.of(new MemoryImage(64), MemoryImage.of(new byte[512], true)));
        DmaBuffer scratch = c.alloc(8192);
        c.start(0);
        c.start(1);
        int[] portRegs = {PX_CLB, PX_CLBU, PX_FB, PX_FBU, PX_IS, PX_IE, PX_CMD, PX_TFD, PX_SCTL, PX_SERR, PX_SACT, PX_CI};
        for (int step = 0; step < 200; step++) {
            switch (random.nextInt(6)) {
                case 0 -> c.hba(random.nextInt(0x1100 / 4) * 4 + (random.nextInt(8) == 0 ? 2 : 0), random.nextInt());
                case 1 -> c.port(random.nextInt(6), portRegs[random.nextInt(portRegs.length)],
                        random.nextBoolean() ? random.nextInt() : random.nextInt(32));
                case 2 -> c.port(random.nextInt(2), PX_CMD, random.nextBoolean() ? CMD_ST | CMD_FRE : CMD_FRE);
                case 3 -> {
                    int p = random.nextInt(2);
                    if (c.commandLists[p] == null) {
                        continue;
                    }
                    List<Prd> prdt = new ArrayList<>();
                    for (int i = random.nextInt(4); i > 0; i--) {
                        prdt.add(new Prd(address(random, c, scratch, p), 2 * (1 + random.nextInt(2048)), random.nextBoolean()));
                    }
                    int[] opcodes = {IDENTIFY, READ_DMA_EXT, WRITE_DMA_EXT, FLUSH_CACHE_EXT, random.nextInt(256)};
                    int slot = random.nextInt(32);
                    c.prepare(p, slot, opcodes[random.nextInt(opcodes.length)], random.nextInt(80),
                            random.nextInt(4), random.nextBoolean(), prdt);
                    if (random.nextInt(4) == 0) {
                        c.header(p, slot, random.nextInt(), address(random, c, scratch, p));
                    }
                    c.issue(p, slot);
                }
                case 4 -> c.timeline.advance(random.nextInt(100_000));
                default -> c.hba(IS, -1);
            }
        }
        c.timeline.runUntilIdle();
        c.hba(GHC, 1);
        c.start(0);
        DmaBuffer id = c.alloc(512);
        int is = c.run(0, 0, IDENTIFY, 0, 0, false, List.of(new Prd(id.physAddress(), 512)));
        assertEquals(IS_DHRS | IS_PSS, is);
        assertEquals(0x40, id.getInt(0) & 0xffff, "IDENTIFY word 0");
    }

    private static long address(Random random, AhciClient c, DmaBuffer scratch, int port) {
        return switch (random.nextInt(5)) {
            case 0 -> random.nextLong();
            case 1 -> random.nextInt(1 << 20);
            case 2 -> c.commandLists[port].physAddress() + random.nextInt(1024);
            case 3 -> scratch.physAddress() + scratch.size() - random.nextInt(64);
            default -> scratch.physAddress() + 2 * random.nextInt(2048);
        };
    }
}
