package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.DmaBuffer;

/** The command ring: slot and endpoint state through Address Device, Configure Endpoint and friends; aborts. */
class XhciCommandsTest {
    private final XhciClient c = new XhciClient();

    private int slotState(int slot) {
        return c.readContext(slot, 12) >>> 27;
    }

    @Test
    void addressDeviceWithBsrLeavesTheSlotDefaultThenWithoutItAddressesIt() {
        c.start();
        assertEquals(null, c.hc.attach(List.of(5), new XhciFakeDevice(UsbDevice.Speed.SUPER)));
        int slot = c.enableSlot();
        int[] code = new int[1];
        c.address(slot, 5, 0, 4, true, code);
        assertEquals(1, code[0]);
        assertEquals(1, slotState(slot), "Default");
        assertEquals(0, c.readContext(slot, 12) & 0xff, "no USB address yet");
        assertEquals(1, c.readContext(slot, 32) & 7, "EP0 running");
        assertEquals(slot, c.hc.topology().getFirst().slot());
        c.address(slot, 5, 0, 4, true, code);
        assertEquals(19, code[0], "BSR again from Default is a Context State Error");
        c.address(slot, 5, 0, 4, false, code);
        assertEquals(1, code[0]);
        assertEquals(2, slotState(slot), "Addressed");
        assertEquals(slot, c.readContext(slot, 12) & 0xff, "the address is the slot id");
        c.address(slot, 5, 0, 4, false, code);
        assertEquals(19, code[0], "addressing an addressed slot");
    }

    @Test
    void aDeviceOnAPortNotEnabledCannotBeAddressed() {
        c.start();
        XhciFakeDevice device = new XhciFakeDevice(UsbDevice.Speed.HIGH);
        assertEquals(null, c.hc.attach(List.of(3), device));
        int slot = c.enableSlot();
        int[] code = new int[1];
        c.address(slot, 3, 0, 3, false, code);
        assertEquals(4, code[0], "USB Transaction Error before the port reset");
        assertEquals(0, device.busResets);
        c.bar.write32(0x440 + 0x20, 1 << 4 | 1 << 9);
        c.timeline.runUntilIdle();
        assertEquals(1, device.busResets);
        c.address(slot, 3, 0, 3, false, code);
        assertEquals(1, code[0]);
        c.address(c.enableSlot(), 4, 0, 3, false, code);
        assertEquals(4, code[0], "nothing on port 4");
        c.address(c.enableSlot(), 9, 0, 3, false, code);
        assertEquals(4, code[0], "no port 9");
    }

    @Test
    void slotsRunOutAtMaxSlotsEnabledAndComeBackWhenDisabled() {
        c.start(); // CONFIG.MaxSlotsEn = 8
        for (int i = 1; i <= 8; i++) {
            assertEquals(i, c.enableSlot());
        }
        XhciClient.Event none = c.command(0, 0, 9 << 10);
        assertEquals(9, none.code(), "No Slots Available");
        assertEquals(0, none.slot());
        assertEquals(1, c.command(0, 0, 3 << 24 | 10 << 10).code(), "Disable Slot 3");
        assertEquals(3, c.enableSlot());
        assertEquals(17, c.command(0, 0, 1 << 16 | 9 << 10).code(), "slot type 1 is a Parameter Error");
        assertEquals(11, c.command(0, 0, 40 << 24 | 11 << 10).code(), "slot 40 is past MaxSlotsEn");
        assertEquals(11, c.command(0, 0, 12 << 10).code(), "slot 0");
    }

    @Test
    void configureEndpointAddsDropsAndDeconfigures() {
        c.start();
        XhciClient.Bulk d = c.bulkDevice(5, new XhciFakeDevice(UsbDevice.Speed.SUPER));
        assertEquals(3, slotState(d.slot()), "Configured");
        assertEquals(3, c.readContext(d.slot(), 0) >>> 27, "Context Entries: the last DCI");
        assertEquals(1, c.readContext(d.slot(), 2 * 32) & 7);
        DmaBuffer input = c.alloc(33 * 32);
        input.putInt(0, 1 << 3); // drop DCI 3
        assertEquals(1, c.command(input.physAddress(), 0, d.slot() << 24 | 12 << 10).code());
        assertEquals(0, c.readContext(d.slot(), 3 * 32) & 7, "DCI 3 disabled");
        assertEquals(1, c.readContext(d.slot(), 2 * 32) & 7, "DCI 2 untouched");
        DmaBuffer bad = c.alloc(33 * 32);
        bad.putInt(4, 1 << 5); // add DCI 5 with max packet 0
        bad.putInt(5 * 32 + 4, 3 << 1 | 2 << 3);
        bad.putLong(5 * 32 + 8, 0x10001);
        assertEquals(17, c.command(bad.physAddress(), 0, d.slot() << 24 | 12 << 10).code(), "Parameter Error");
        assertEquals(0, c.readContext(d.slot(), 5 * 32) & 7);
        assertEquals(1, c.command(0, 0, d.slot() << 24 | 1 << 9 | 12 << 10).code(), "DC=1 deconfigures");
        assertEquals(2, slotState(d.slot()), "Addressed");
        assertEquals(0, c.readContext(d.slot(), 2 * 32) & 7, "DCI 2 disabled");
        assertEquals(1, c.readContext(d.slot(), 32) & 7, "EP0 still running");
        assertTrue(c.ring(d.slot(), 2).isEmpty(), "a disabled endpoint's doorbell is ignored");
        int fresh = c.enableSlot();
        assertEquals(19, c.command(input.physAddress(), 0, fresh << 24 | 12 << 10).code(),
                "configuring a slot not addressed");
        assertEquals(19, c.command(input.physAddress(), 0, fresh << 24 | 13 << 10).code(),
                "evaluating a slot not addressed");
    }

    @Test
    void commandAbortStopsTheRingWhereItWasAndTheDoorbellGoesOn() {
        c.start();
        long first = c.commands.put(0, 0, 23 << 10);
        c.bar.write32(0x2000, 0);
        assertEquals(8, c.bar.read32(XhciClient.CRCR) & 8, "CRR: running");
        c.bar.write32(XhciClient.CRCR, 1 << 2); // CA before the command ran
        assertEquals(0, c.bar.read32(XhciClient.CRCR) & 8, "stopped");
        c.timeline.runUntilIdle();
        List<XhciClient.Event> events = c.events();
        assertEquals(1, events.size(), events.toString());
        assertEquals(24, events.getFirst().code(), "Command Ring Stopped");
        assertEquals(first, events.getFirst().parameter(), "pointing at the command that comes next");
        c.bar.write32(0x2000, 0);
        c.timeline.runUntilIdle();
        events = c.events();
        assertEquals(1, events.size(), events.toString());
        assertEquals(first, events.getFirst().parameter());
        assertEquals(1, events.getFirst().code());
    }

    @Test
    void aCommandRingLinkedToItselfIsAnErrorAndALoopOfCommandsIsBounded() {
        c.start(256);
        DmaBuffer loop = c.alloc(32);
        loop.putInt(12, 23 << 10 | 1); // No-Op command
        loop.putLong(16, loop.physAddress());
        loop.putInt(28, 6 << 10 | 1); // Link back, no Toggle Cycle: the ring never runs dry
        c.bar.write32(XhciClient.USBCMD, 0);
        c.bar.write64(XhciClient.CRCR, loop.physAddress() | 1);
        c.bar.write32(XhciClient.USBCMD, XhciClient.RS | XhciClient.INTE);
        c.bar.write32(0x2000, 0);
        c.timeline.runUntilIdle(); // returns: at most RUNS_PER_DOORBELL commands run for one doorbell
        assertEquals(255, c.events().size(), "the event ring full, the rest waiting for room");
        assertEquals(255, c.events().size(), "ERDP moved: the waiting events come, none overwritten or lost");
        assertTrue(c.irq.raisedCount() <= XhciController.RUNS_PER_DOORBELL + 1);

        XhciClient d = new XhciClient();
        d.start();
        DmaBuffer self = d.alloc(16);
        self.putLong(0, self.physAddress());
        self.putInt(12, 6 << 10 | 1);
        d.bar.write32(XhciClient.USBCMD, 0);
        d.bar.write64(XhciClient.CRCR, self.physAddress() | 1);
        d.bar.write32(XhciClient.USBCMD, XhciClient.RS);
        d.bar.write32(0x2000, 0);
        d.timeline.runUntilIdle();
        List<XhciClient.Event> events = d.events();
        assertEquals(1, events.size(), events.toString());
        assertEquals(5, events.getFirst().code(), "TRB Error");
        assertEquals(4, d.bar.read32(XhciClient.USBSTS) & 4, "HSE");
    }
}
