package org.microsim.drivers.ahci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.microsim.abi.block.BlockClient;
import org.microsim.kernel.machine.MemoryImage;
import org.microsim.testkit.task.KernelRig;

/** Random reads and writes through the driver agree with a byte array standing for the disk. */
class AhciDriverProperties {
    private static final int SECTORS = 1024;

    /** One step: a read or a write of {@code count} sectors at {@code lba}, written bytes from {@code seed}. */
    record Op(boolean write, int lba, int count, int seed) {
    }

    @Provide
    Arbitrary<Op> ops() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, SECTORS - 1),
                Arbitraries.integers().between(1, 300), Arbitraries.integers())
                .as((write, lba, count, seed) -> new Op(write, lba, Math.min(count, SECTORS - lba), seed));
    }

    @Property(tries = 50)
    void readsAndWritesAgreeWithAByteArray(@ForAll @Size(min = 1, max = 12) List<@net.jqwik.api.From("ops") Op> ops,
                                           @ForAll @IntRange(min = 0, max = 3) int slotSize,
                                           @ForAll @IntRange(min = 1, max = 1000) int seed) {
        byte[] model = Rig.pattern(0, SECTORS);
        int slotBytes = new int[] {512, 4096, 65536, 1 << 20}[slotSize];
        try (KernelRig rig = Rig.boot(seed, Ahci.slotBytesArgument(slotBytes), MemoryImage.of(model, false))) {
            rig.run(sys -> {
                BlockClient disk = Rig.open(sys, Rig.DISK0);
                for (Op op : ops) {
                    int bytes = op.count() * 512;
                    if (op.write()) {
                        byte[] data = new byte[bytes];
                        new java.util.Random(op.seed()).nextBytes(data);
                        disk.write(op.lba(), op.count(), data, 0);
                        System.arraycopy(data, 0, model, op.lba() * 512, bytes);
                    } else {
                        byte[] got = new byte[bytes];
                        disk.read(op.lba(), op.count(), got, 0);
                        byte[] want = new byte[bytes];
                        System.arraycopy(model, op.lba() * 512, want, 0, bytes);
                        assertArrayEquals(want, got, op.toString());
                    }
                }
                byte[] all = new byte[SECTORS * 512];
                disk.read(0, SECTORS, all, 0);
                assertArrayEquals(model, all, "the whole disk at the end");
            });
        }
    }
}
