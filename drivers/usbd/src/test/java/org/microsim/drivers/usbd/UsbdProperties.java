package org.microsim.drivers.usbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.microsim.abi.block.BlockClient;
import org.microsim.kernel.machine.MemoryImage;
import org.microsim.testkit.task.KernelRig;

/** Random reads and writes through usbd, the xHCI model and the stick agree with a byte array. */
class UsbdProperties {
    private static final int BLOCKS = 2048;

    /** A read or a write of {@code count} blocks at {@code lba}; written bytes from {@code seed}. */
    record Op(boolean write, int lba, int count, int seed) {
    }

    @Provide
    Arbitrary<Op> ops() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, BLOCKS - 1),
                Arbitraries.integers().between(1, 1200), Arbitraries.integers())
                .as((write, lba, count, seed) -> new Op(write, lba, Math.min(count, BLOCKS - lba), seed));
    }

    @Property(tries = 25)
    void readsAndWritesAgreeWithAByteArray(@ForAll @Size(min = 1, max = 10) List<@From("ops") Op> ops,
                                           @ForAll boolean behindHub, @ForAll @IntRange(min = 1, max = 1000) int seed) {
        byte[] model = new byte[BLOCKS * 512];
        new Random(seed).nextBytes(model);
        try (KernelRig rig = UsbdRig.boot(seed, behindHub, MemoryImage.of(model.clone(), false))) {
            rig.run(sys -> {
                BlockClient disk = UsbdRig.open(sys, "msc0:");
                for (Op op : ops) {
                    int bytes = op.count() * 512;
                    if (op.write()) {
                        byte[] data = new byte[bytes];
                        new Random(op.seed()).nextBytes(data);
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
                byte[] all = new byte[BLOCKS * 512];
                disk.read(0, BLOCKS, all, 0);
                assertArrayEquals(model, all, "the whole stick at the end");
            });
        }
    }
}
