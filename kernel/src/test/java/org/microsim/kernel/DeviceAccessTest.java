package org.microsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.kernel.TestKernels.SHORT;
import static org.microsim.kernel.TestKernels.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.Message;
import org.microsim.abi.Mmio;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Received;
import org.microsim.abi.Sys;
import org.microsim.kernel.machine.DriveConfig;
import org.microsim.kernel.machine.Machine;
import org.microsim.kernel.machine.MachineConfig;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.MachineHardware;
import org.microsim.kernel.machine.MemoryImage;
import org.microsim.kernel.machine.ModelOptions;
import org.microsim.kernel.machine.NicConfig;

/**
 * Hardware reaches a driver only through a device handle: a devd-like task hears of the device ports,
 * hands one to a driver it spawns, and the driver maps the BAR, allocates DMA memory and gets interrupts as
 * messages. A task without the handle gets nothing.
 */
class DeviceAccessTest {
    private static final int E1000_ICR = 0xc0;
    private static final int E1000_ICS = 0xc8;
    private static final int E1000_IMS = 0xd0;
    private static final int AHCI_VS = 0x10;

    private final Map<String, Object> seen = new ConcurrentHashMap<>();

    private ProgramCatalog programs() {
        return new ProgramCatalog()
                .add("devd", "", () -> sys -> {
                    Handle kernel = sys.start().handle(0);
                    Handle inbox = sys.registerPort(service("devd"), PortOptions.PRIVATE).orThrow();
                    sys.call(kernel, new KernelRequest.Subscribe(KernelRequest.PORT_EVENTS, inbox).toMessage(), SHORT)
                            .orThrow();
                    while (true) {
                        Received r = sys.receive(Sys.FOREVER, inbox).orThrow();
                        if (!(KernelNotice.decode(r.message()) instanceof KernelNotice.PortRegistered(var port,
                                Handle device))) {
                            continue;
                        }
                        String driver = switch (port.info().name()) {
                            case "00:03.0:eth" -> "nic-driver";
                            case "00:1f.2:ahci" -> "ahci-driver";
                            default -> null;
                        };
                        if (driver != null) {
                            sys.call(kernel, new KernelRequest.Spawn(driver, driver, null, new byte[0],
                                    List.of(device)).toMessage(), SHORT).orThrow();
                        }
                    }
                })
                .add("nic-driver", "", () -> sys -> {
                    Handle device = sys.start().handle(0);
                    Mmio regs = sys.mapBar(device, 0).orThrow();
                    Handle irqs = sys.registerPort(service("nic-irq"), PortOptions.PRIVATE).orThrow();
                    sys.bindIrq(device, irqs).orThrow();
                    regs.write32(E1000_IMS, 1 << 2);
                    regs.write32(E1000_ICS, 1 << 2);
                    Received irq = sys.receive(SHORT, irqs).orThrow();
                    seen.put("irq", irq.msgId());
                    seen.put("icr", regs.read32(E1000_ICR));
                    DmaBuffer dma = sys.allocDma(8192).orThrow();
                    seen.put("dma", dma.physAddress());
                    seen.put("noBar", sys.mapBar(device, 3).code());
                })
                .add("ahci-driver", "", () -> sys -> {
                    Mmio abar = sys.mapBar(sys.start().handle(0), 5).orThrow();
                    seen.put("vs", abar.read32(AHCI_VS));
                })
                .add("intruder", "", () -> sys -> {
                    seen.put("intruderMap", sys.mapBar(new Handle(0), 0).code());
                    seen.put("intruderLookup", sys.lookup("00:03.0:eth", Duration.ZERO).code());
                });
    }

    @Test
    void onlyTheGrantedDriverReachesTheDevice() throws MachineException {
        Machine[] machine = new Machine[1];
        Kernel k = Kernel.builder().programs(programs()).hardware(timeline -> {
            try {
                machine[0] = new Machine(new MachineConfig(List.of(new DriveConfig.Image(new MemoryImage(2048))),
                        List.of(NicConfig.DEFAULT), ModelOptions.DEFAULT), timeline);
            } catch (MachineException e) {
                throw new AssertionError(e);
            }
            return new MachineHardware(machine[0]);
        }).build();
        try (k) {
            k.spawn("devd", "devd", new byte[0], true).orThrow();
            k.spawn("intruder", "intruder", new byte[0], false).orThrow();
            k.settle();
            assertEquals(MsgIds.IRQ, seen.get("irq"));
            assertEquals(1 << 2, ((Integer) seen.get("icr")) & (1 << 2));
            assertNotNull(seen.get("dma"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, seen.get("noBar"));
            assertEquals(0x00010301, seen.get("vs"));
            assertEquals(ErrorCode.BAD_HANDLE, seen.get("intruderMap"));
            assertEquals(ErrorCode.DENIED, seen.get("intruderLookup"));
            assertTrue(k.ports().stream().anyMatch(p -> p.info().name().equals("pcie0:")));
        }
    }
}
