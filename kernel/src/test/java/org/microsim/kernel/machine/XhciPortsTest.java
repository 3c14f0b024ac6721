package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** PORTSC: connection, reset, enable, link state and the write-1-to-clear change bits, with their events. */
class XhciPortsTest {
    private static final int CCS = 1, PED = 2, PR = 1 << 4, PP = 1 << 9, LWS = 1 << 16;
    private static final int CSC = 1 << 17, PEC = 1 << 18, WRC = 1 << 19, PRC = 1 << 21, PLC = 1 << 22;
    private static final int WPR = 1 << 31;
    private static final int PCD = 1 << 4;

    private final XhciClient c = new XhciClient();

    private int portsc(int port) {
        return c.bar.read32(0x440 + 0x10L * (port - 1));
    }

    private void portsc(int port, int value) {
        c.bar.write32(0x440 + 0x10L * (port - 1), value);
    }

    private List<Long> statusChanges() {
        c.timeline.runUntilIdle();
        return c.events().stream().filter(e -> e.type() == 34).map(e -> e.parameter() >>> 24).toList();
    }

    @Test
    void emptyPortsArePoweredAndDetectingAndIgnoreReset() {
        c.start();
        for (int port = 1; port <= 8; port++) {
            assertEquals(PP | 5 << 5, portsc(port), "port " + port + ": powered, RxDetect, nothing else");
        }
        portsc(2, PR | PP);
        assertEquals(PP | 5 << 5, portsc(2));
        assertEquals(List.of(), statusChanges());
    }

    @Test
    void changeBitsAreWriteOneToClearExactlyAndEachNewOnePostsAnEvent() {
        c.start();
        XhciFakeDevice device = new XhciFakeDevice(UsbDevice.Speed.SUPER);
        assertNull(c.hc.attach(List.of(6), device));
        assertEquals(PCD, c.bar.read32(XhciClient.USBSTS) & PCD);
        assertEquals(List.of(6L), statusChanges());
        int value = portsc(6);
        assertEquals(CCS | PED | PP | CSC | 4 << 10, value, "USB 3: enabled in U0 at SuperSpeed, connect changed");
        portsc(6, WPR | PP); // a warm reset
        assertEquals(0, portsc(6) & PED, "disabled while it resets");
        assertEquals(List.of(6L), statusChanges(), "its end is one event");
        assertEquals(1, device.busResets);
        value = portsc(6);
        assertEquals(CSC | WRC | PRC | PED, value & (CSC | WRC | PRC | PED | PR));
        portsc(6, value & ~(CSC | WRC | PRC | PEC | PLC | PED) | PP); // written back with change bits and PED 0
        assertEquals(CSC | WRC | PRC, portsc(6) & (CSC | WRC | PRC), "zeros leave them");
        portsc(6, PRC | PP);
        assertEquals(CSC | WRC, portsc(6) & (CSC | WRC | PRC), "only PRC cleared");
        portsc(6, CSC | WRC | PP);
        assertEquals(0, portsc(6) & (CSC | WRC | PRC));
        assertEquals(List.of(), statusChanges(), "clearing posts nothing");
        portsc(6, 3 << 5 | LWS | PP); // to U3
        assertEquals(3, portsc(6) >>> 5 & 0xf);
        portsc(6, LWS | PP); // back to U0: the link changed by itself (resume), PLC
        assertEquals(PLC, portsc(6) & PLC);
        assertEquals(List.of(6L), statusChanges());
        portsc(6, PED | PP); // PED is write-1-to-disable
        assertEquals(CCS, portsc(6) & (CCS | PED));
        assertEquals(0, portsc(6) & PEC, "software's own disable is no change event");
        c.bar.write32(XhciClient.USBSTS, PCD);
        assertEquals(0, c.bar.read32(XhciClient.USBSTS) & PCD, "PCD is write-1-to-clear");
    }

    @Test
    void unplugDuringAPortResetLeavesThePortEmptyAndTheResetUndone() {
        c.start();
        XhciFakeDevice device = new XhciFakeDevice(UsbDevice.Speed.FULL);
        assertNull(c.hc.attach(List.of(1), device));
        assertEquals(7, portsc(1) >>> 5 & 0xf, "USB 2 with a device: Polling");
        assertEquals(1, portsc(1) >>> 10 & 0xf, "full speed");
        assertEquals(List.of(1L), statusChanges());
        portsc(1, CSC | PR | PP);
        assertEquals(PR, portsc(1) & PR);
        assertEquals(device, c.hc.detach(List.of(1)));
        assertEquals(List.of(1L), statusChanges(), "the unplug's CSC (the first was cleared)");
        assertEquals(0, device.busResets, "the reset never finished");
        assertEquals(PP | CSC | 5 << 5, portsc(1));
        assertEquals(null, c.hc.detach(List.of(1)), "nothing left there");
    }

    @Test
    void aControllerResetReportsWhatIsPluggedInAsNewAndUsb2PortsNeedAResetAgain() {
        c.start();
        assertNull(c.hc.attach(List.of(1), new XhciFakeDevice(UsbDevice.Speed.HIGH)));
        portsc(1, PR | PP);
        c.timeline.runUntilIdle();
        assertEquals(PED, portsc(1) & PED);
        c.start(); // HCRST and set-up again
        assertEquals(CCS | CSC, portsc(1) & (CCS | CSC | PED | PRC));
        assertEquals(List.of(false), c.hc.topology().stream().map(XhciController.Attached::enabled).toList());
        assertTrue(c.bar.read32(XhciClient.USBCMD) != 0);
    }

    @Test
    void changesWhileHaltedSetPcdButPostNoEvent() {
        c.start();
        c.bar.write32(XhciClient.USBCMD, 0);
        assertNull(c.hc.attach(List.of(7), new XhciFakeDevice(UsbDevice.Speed.SUPER)));
        assertEquals(PCD, c.bar.read32(XhciClient.USBSTS) & PCD);
        assertEquals(List.of(), statusChanges());
        assertEquals(CSC, portsc(7) & CSC, "the change waits in PORTSC for the driver's scan");
    }
}
