package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;

/** The machine's layout: PCIe functions, their ports, lspci, BARs and which AHCI port each drive is on. */
class MachineTest {
    private static Machine machine(int drives, int nics) throws MachineException {
        List<DriveConfig> d = new java.util.ArrayList<>();
        for (int i = 0; i < drives; i++) {
            d.add(new DriveConfig.Image(new MemoryImage(64 + i)));
        }
        return new Machine(new MachineConfig(d, Collections.nCopies(nics, NicConfig.DEFAULT), ModelOptions.DEFAULT),
                new ManualTimeline());
    }

    @Test
    void portInfoComesFromTheClassCode() throws MachineException {
        Machine m = machine(1, 1);
        List<PciFunction> functions = m.pci().functions();
        assertEquals(2, functions.size());
        PortInfo eth = m.pci().portInfo(functions.get(0));
        PortInfo ahci = m.pci().portInfo(functions.get(1));
        assertEquals(new PortInfo("00:03.0:eth", PortClass.NETWORK, PortSubclass.NET_ETHERNET, "pcie0:", 0x8086,
                0x100e, PortCaps.DMA | PortCaps.IRQ | PortCaps.MMIO, new byte[] {0}), eth);
        assertEquals(new PortInfo("00:1f.2:ahci", PortClass.STORAGE_CONTROLLER, PortSubclass.STORAGE_AHCI, "pcie0:",
                0x8086, 0x2922, PortCaps.DMA | PortCaps.IRQ | PortCaps.MMIO, new byte[] {0}), ahci);
        Machine two = machine(0, 2);
        assertEquals(List.of(0, 1), two.ports().stream().map(p -> (int) p.metadata()[0]).toList(),
                "each NIC's place among the NICs, in bus order");
        assertEquals(List.of(eth, ahci), m.ports());
        assertEquals(PciClass.XHCI, PciClass.of(0x0c, 0x03, 0x30).orElseThrow());
        assertEquals(PortClass.USB, PciClass.XHCI.portClass());
        assertEquals(PortSubclass.USB_XHCI, PciClass.XHCI.portSubclass());
        assertEquals(Optional.empty(), PciClass.of(0x03, 0x00, 0x00));
    }

    @Test
    void configSpaceHoldsIdentityClassBarAndInterrupt() throws MachineException {
        PciFunction ahci = machine(1, 0).pci().function(new PciAddress(0, 0x1f, 2)).orElseThrow();
        assertEquals(0x2922_8086, ahci.configRead32(0));
        assertEquals(0x0106_0102, ahci.configRead32(8), "class 01, subclass 06, prog-if 01, rev 02");
        Bar abar = ahci.bar(5).orElseThrow();
        assertEquals((int) abar.address(), ahci.configRead32(0x24));
        assertEquals(10, ahci.configRead32(0x3c) & 0xff);
        assertEquals(1, ahci.configRead32(0x3c) >>> 8 & 0xff, "INTA#");
        assertEquals(-1, ahci.configRead32(0x100));
        assertEquals(10, ahci.interrupt().line());
    }

    @Test
    void lspciListsTheFunctions() throws MachineException {
        assertEquals(List.of(
                "00:03.0 Ethernet controller [0200]: Intel Corporation 82540EM Gigabit Ethernet Controller [8086:100e] (rev 03)",
                "00:04.0 Ethernet controller [0200]: Intel Corporation 82540EM Gigabit Ethernet Controller [8086:100e] (rev 03)",
                "00:1f.2 SATA controller [0106]: Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller "
                        + "[AHCI mode] [8086:2922] (rev 02)"),
                machine(1, 2).pci().lspci());
    }

    @Test
    void barsDoNotOverlapAndDispatchByAddress() throws MachineException {
        Machine m = machine(1, 2);
        List<Bar> bars = m.pci().functions().stream().flatMap(f -> f.bars().stream()).toList();
        for (Bar a : bars) {
            assertEquals(0, a.address() % a.size(), "aligned to its size");
            assertTrue(a.address() >= PhysicalMemory.MMIO_HOLE && a.address() + a.size() <= 1L << 32);
            for (Bar b : bars) {
                assertTrue(a == b || a.address() + a.size() <= b.address() || b.address() + b.size() <= a.address());
            }
            assertEquals(a, m.pci().barAt(a.address() + a.size() - 4).orElseThrow());
        }
        assertEquals(Optional.empty(), m.pci().barAt(0x1000));
    }

    @Test
    void drivesTakeAhciPortsInOrder() throws MachineException {
        Machine m = machine(3, 0);
        var abar = m.ahci().orElseThrow().mmio();
        for (int port = 0; port < AhciController.PORTS; port++) {
            assertEquals(port < 3 ? 3 : 0, abar.read32(0x100 + 0x80L * port + 0x28) & 0xf, "port " + port);
        }
        assertEquals(64 + 2, m.disks().get(2).sectorCount());
    }

    @Test
    void noDrivesMeansNoStorageControllerAndNicsGetCountingMacs() throws MachineException {
        Machine m = machine(0, 2);
        assertFalse(m.ahci().isPresent());
        assertEquals(List.of("eth", "eth"), m.pci().functions().stream().map(f -> f.pciClass().kind()).toList());
        assertEquals(MacAddress.DEFAULT.plus(1), m.nics().get(1).mac());
        assertEquals(12, m.pci().functions().get(1).interruptLine());
    }

    @Test
    void tooManyDrivesOrNicsAreErrors() {
        assertThrows(MachineException.class, () -> machine(7, 0));
        assertThrows(MachineException.class, () -> machine(0, 9));
    }
}
