package org.microsim.testkit.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Handle;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;

/** The rig surfaces what its clients did, starts drivers as devd would, and serves disks to them. */
class KernelRigTest {
    @Test
    void aClientsExceptionFailsTheTestWithItsCauseAndAClientThatHangsIsNamed() {
        try (KernelRig rig = KernelRig.builder(1).build()) {
            AssertionError failed = assertThrows(AssertionError.class, () -> rig.run(sys -> {
                throw new IllegalStateException("boom");
            }));
            assertInstanceOf(IllegalStateException.class, failed.getCause());
            rig.run(sys -> sys.log("fine"));
            assertTrue(rig.logs().contains("fine"), rig.logs().toString());
            AssertionError hung = assertThrows(AssertionError.class,
                    () -> rig.run(sys -> sys.receive(Sys.FOREVER, sys.registerPort(
                            PortInfo.of("inbox", PortClass.SERVICE, PortSubclass.SERVICE_GENERIC)).orThrow())));
            assertTrue(hung.getMessage().startsWith("client3 did not finish"), hung.getMessage());
            rig.killClient("client3");
            rig.settle();
        }
    }

    @Test
    void theStandInDevdStartsADriverOnEveryMatchingPortAndAgainAfterACrash() {
        KernelRig.Body controller = sys -> {
            for (String name : new String[] {"ctl0", "ctl1", "other"}) {
                sys.registerPort(PortInfo.of(name, PortClass.STORAGE_CONTROLLER, PortSubclass.STORAGE_AHCI))
                        .orThrow();
            }
            sys.sleep(Duration.ofDays(1));
        };
        try (KernelRig rig = KernelRig.builder(2).program("ctl", () -> controller::run)
                .program("drv", () -> sys -> {
                    Handle port = sys.start().handle(0);
                    sys.log("drv on " + sys.inspect(port).orThrow().portName());
                    sys.sleep(Duration.ofDays(1));
                })
                .driverPerPort("drv", p -> p.info().name().startsWith("ctl")).boot("ctl").build()) {
            assertEquals(2, rig.driverStarts());
            assertTrue(rig.logs().containsAll(java.util.List.of("drv on ctl0", "drv on ctl1")), rig.logs().toString());
            rig.kernel().kill(rig.task("drv1"), true, "test").orThrow();
            rig.settle();
            assertEquals(3, rig.driverStarts());
            assertEquals("drv on ctl1", rig.logs().getLast());
        }
    }

    @Test
    void aBlockServerServesItsDiskToClients() {
        MemoryDisk disk = new MemoryDisk(512, 16);
        MemoryDisk readOnly = new MemoryDisk(512, 4);
        readOnly.setReadOnly(true);
        try (KernelRig rig = KernelRig.builder(3)
                .program("disk", () -> new BlockServer("d0", PortSubclass.BLOCK_RAW, disk))
                .program("ro", () -> new BlockServer("d1", PortSubclass.BLOCK_RAW, readOnly))
                .boot("disk").boot("ro").build()) {
            rig.run(sys -> {
                BlockClient d0 = BlockClient.open(sys, sys.lookup("d0", KernelRig.WAIT).orThrow(), KernelRig.WAIT);
                assertEquals(16, d0.blockCount());
                byte[] data = new byte[1024];
                data[600] = 6;
                d0.write(3, 2, data, 0);
                byte[] back = new byte[1024];
                d0.read(3, 2, back, 0);
                assertArrayEquals(data, back);
                BlockClient d1 = BlockClient.open(sys, sys.lookup("d1", KernelRig.WAIT).orThrow(), KernelRig.WAIT);
                assertTrue(d1.readOnly());
                assertEquals(BlockError.READ_ONLY,
                        assertThrows(BlockException.class, () -> d1.write(0, 1, data, 0)).error());
            });
            assertEquals(6, disk.bytes()[3 * 512 + 600]);
        }
    }
}
