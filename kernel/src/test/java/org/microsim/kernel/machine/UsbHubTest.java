package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.microsim.kernel.machine.UsbDevice.Handshake;
import org.microsim.kernel.machine.UsbDevice.Setup;

/** The hub as USB 2.0 chapter 11 describes one: descriptor, port power, status and change, reset, status-change. */
class UsbHubTest {
    private final UsbHub hub = new UsbHub(4);
    private final AtomicInteger wakes = new AtomicInteger();

    UsbHubTest() {
        hub.onWake(wakes::incrementAndGet);
        hub.control(new Setup(0, 9, 1, 0, 0), new byte[0]);
    }

    private int[] status(int port) {
        byte[] s = hub.control(new Setup(0xa3, 0, 0, port, 4), new byte[0]).dataIn();
        return new int[] {Bytes.le16(s, 0), Bytes.le16(s, 2)};
    }

    private void feature(boolean set, int feature, int port) {
        assertEquals(Handshake.ACK, hub.control(new Setup(0x23, set ? 3 : 1, feature, port, 0), new byte[0])
                .handshake());
    }

    @Test
    void theHubDescriptorSaysFourIndividuallyPoweredPorts() {
        byte[] d = hub.control(new Setup(0xa0, 6, 0x2900, 0, 64), new byte[0]).dataIn();
        assertEquals(0x29, d[1]);
        assertEquals(4, d[2]);
        assertEquals(0x0009, Bytes.le16(d, 3));
        assertEquals(9, hub.control(new Setup(0x80, 6, 0x0100, 0, 18), new byte[0]).dataIn()[4], "class 9");
    }

    @Test
    void aDeviceIsSeenOnlyOnAPoweredPortAndRoutedOnlyOnceReset() {
        UsbStick stick = new UsbStick(new MemoryImage(8), "S");
        hub.connect(2, stick);
        assertEquals(0, status(2)[0] & 1, "unpowered: not seen");
        assertEquals(Handshake.NAK, hub.in(1, 1).handshake());
        feature(true, UsbHub.PORT_POWER, 2);
        assertArrayEquals(new int[] {0x0101, 0x0001}, status(2), "powered, connected; C_CONNECTION");
        assertEquals(1, wakes.get());
        assertArrayEquals(new byte[] {1 << 2}, hub.in(1, 1).data());
        assertNull(hub.routed(2));
        feature(false, UsbHub.C_PORT_CONNECTION, 2);
        feature(true, UsbHub.PORT_RESET, 2);
        assertArrayEquals(new int[] {0x0503, 0x0010}, status(2), "enabled, high speed; C_RESET");
        assertSame(stick, hub.routed(2));
        feature(false, UsbHub.C_PORT_RESET, 2);
        assertEquals(Handshake.NAK, hub.in(1, 1).handshake(), "no change left");
        assertSame(stick, hub.disconnect(2));
        assertArrayEquals(new int[] {0x0100, 0x0001}, status(2), "gone: C_CONNECTION again, not enabled");
        assertNull(hub.routed(2));
        assertEquals(3, wakes.get());
    }

    @Test
    void badPortsAndFeaturesStall() {
        assertEquals(Handshake.STALL, hub.control(new Setup(0xa3, 0, 0, 5, 4), new byte[0]).handshake());
        assertEquals(Handshake.STALL, hub.control(new Setup(0x23, 3, 99, 1, 0), new byte[0]).handshake());
        assertEquals(Handshake.STALL, hub.out(1, new byte[1]));
    }
}
