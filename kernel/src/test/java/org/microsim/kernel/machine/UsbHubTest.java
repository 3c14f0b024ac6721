package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.microsim.kernel.machine.UsbDevice.ControlReply;
import org.microsim.kernel.machine.UsbDevice.Handshake;
import org.microsim.kernel.machine.UsbDevice.InPacket;
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
        return status(hub, port);
    }

    private static int[] status(UsbHub hub, int port) {
        byte[] s = hub.control(new Setup(0xa3, 0, 0, port, 4), new byte[0]).dataIn();
        return new int[] {Bytes.le16(s, 0), Bytes.le16(s, 2)};
    }

    private void feature(boolean set, int feature, int port) {
        feature(hub, set, feature, port);
    }

    private static void feature(UsbHub hub, boolean set, int feature, int port) {
        assertEquals(Handshake.ACK, hub.control(new Setup(0x23, set ? 3 : 1, feature, port, 0), new byte[0])
                .handshake());
    }

    private Handshake request(int requestType, int request, int value, int index) {
        return hub.control(new Setup(requestType, request, value, index, 0), new byte[0]).handshake();
    }

    private byte[] get(int requestType, int value, int length) {
        ControlReply reply = hub.control(new Setup(requestType, 6, value, 0, length), new byte[0]);
        assertEquals(Handshake.ACK, reply.handshake());
        return reply.dataIn();
    }

    /** Powers {@code port} of {@code hub}, acknowledges the connection and resets it: the host's enumeration steps. */
    private static void bringUp(UsbHub hub, int port) {
        feature(hub, true, UsbHub.PORT_POWER, port);
        feature(hub, false, UsbHub.C_PORT_CONNECTION, port);
        feature(hub, true, UsbHub.PORT_RESET, port);
        feature(hub, false, UsbHub.C_PORT_RESET, port);
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

    @Test
    void descriptorsAreTheSpecsBytes() {
        assertArrayEquals(new byte[] {9, 0x29, 4, 0x09, 0, 50, 0, 0, (byte) 0xff}, get(0xa0, 0x2900, 64));
        assertArrayEquals(new byte[] {9, 0x29}, get(0xa0, 0x2900, 2), "wLength truncates");
        assertArrayEquals(new byte[] {18, 1, 0x00, 0x02, 9, 0, 1, 64, 0x09, 0x04, (byte) 0xaa, 0x55, 0x01, 0x01, 1, 2,
            3, 1}, get(0x80, 0x0100, 18), "class 9, protocol 1: one transaction translator");
        assertArrayEquals(new byte[] {10, 6, 0x00, 0x02, 9, 0, 0, 64, 1, 0}, get(0x80, 0x0600, 10),
                "at full speed a hub's protocol is 0");
        assertArrayEquals(new byte[] {9, 2, 25, 0, 1, 1, 0, (byte) 0xc0, 50, 9, 4, 0, 0, 1, 9, 0, 0, 0,
            7, 5, (byte) 0x81, 3, 1, 0, 12}, get(0x80, 0x0200, 255));
        assertArrayEquals(new byte[] {7, 5, (byte) 0x81, 3, 1, 0, (byte) 255},
                Arrays.copyOfRange(get(0x80, 0x0700, 255), 18, 25), "the full-speed interval is in frames");
        byte[] product = get(0x80, 0x0302, 255);
        assertEquals("QEMU USB Hub", new String(product, 2, product.length - 2, StandardCharsets.UTF_16LE));
        assertEquals(Handshake.STALL, hub.control(new Setup(0xa0, 6, 0x2901, 0, 9), new byte[0]).handshake());
        assertEquals(Handshake.STALL, hub.control(new Setup(0xa0, 6, 0x2200, 0, 9), new byte[0]).handshake());
        assertEquals(7, new UsbHub(7).control(new Setup(0xa0, 6, 0x2900, 0, 9), new byte[0]).dataIn()[2]);
        assertThrows(IllegalArgumentException.class, () -> new UsbHub(8), "a bitmap byte holds 7 ports");
        assertThrows(IllegalArgumentException.class, () -> new UsbHub(0));
    }

    @Test
    void changeBitsFollowChapterElevenExactly() {
        feature(true, UsbHub.PORT_POWER, 1);
        assertArrayEquals(new int[] {0x0100, 0}, status(1), "powered and empty: no change");
        assertEquals(0, wakes.get());
        UsbStick stick = new UsbStick(new MemoryImage(8), "S");
        hub.connect(1, stick);
        assertArrayEquals(new int[] {0x0101, 0x0001}, status(1));
        assertEquals(1, wakes.get());
        feature(false, UsbHub.C_PORT_CONNECTION, 1);
        feature(true, UsbHub.PORT_RESET, 1);
        feature(false, UsbHub.C_PORT_RESET, 1);
        feature(true, UsbHub.PORT_SUSPEND, 1);
        assertArrayEquals(new int[] {0x0507, 0}, status(1), "suspended");
        assertNull(hub.routed(1), "a suspended port forwards nothing");
        feature(false, UsbHub.PORT_SUSPEND, 1);
        assertArrayEquals(new int[] {0x0503, 0x0004}, status(1), "resumed: C_PORT_SUSPEND");
        assertSame(stick, hub.routed(1));
        assertEquals(3, wakes.get(), "connect, reset, resume");
        feature(false, UsbHub.C_PORT_SUSPEND, 1);
        feature(false, UsbHub.PORT_ENABLE, 1);
        assertArrayEquals(new int[] {0x0101, 0}, status(1), "the host's disable: no C_PORT_ENABLE, speed unknown");
        assertNull(hub.routed(1));
        assertSame(stick, hub.connected(1));
        feature(false, UsbHub.PORT_POWER, 1);
        assertArrayEquals(new int[] {0, 0}, status(1), "powered off: nothing to see");
        assertEquals(Handshake.STALL, request(0x23, 3, UsbHub.PORT_ENABLE, 1), "enabling takes a reset");
        assertEquals(Handshake.STALL, request(0x23, 3, UsbHub.C_PORT_CONNECTION, 1), "change bits are the hub's");
        assertEquals(Handshake.STALL, request(0x23, 1, 99, 1));
        assertEquals(Handshake.STALL, request(0xa3, 1, UsbHub.C_PORT_CONNECTION, 1), "CLEAR_FEATURE is OUT");
        assertEquals(Handshake.STALL, hub.control(new Setup(0x23, 0, 0, 1, 4), new byte[0]).handshake(),
                "GET_STATUS is IN");
        assertEquals(Handshake.STALL, request(0x23, 3, UsbHub.PORT_POWER, 0), "port 0");
        assertArrayEquals(new byte[] {0, 0, 0, 0}, hub.control(new Setup(0xa0, 0, 0, 0, 4), new byte[0]).dataIn());
        assertEquals(Handshake.ACK, request(0x20, 1, 0, 0), "C_HUB_LOCAL_POWER");
        assertEquals(Handshake.STALL, request(0x20, 3, 0, 0));
    }

    @Test
    void theStatusChangeBitmapNamesEveryPortWithAChangeAndNaksWithoutOne() {
        for (int port = 1; port <= 4; port++) {
            feature(true, UsbHub.PORT_POWER, port);
        }
        assertEquals(Handshake.NAK, hub.in(1, 1).handshake());
        hub.connect(1, new UsbStick(new MemoryImage(8), "A"));
        hub.connect(3, new UsbStick(new MemoryImage(8), "B"));
        assertArrayEquals(new byte[] {0b1010}, hub.in(1, 1).data());
        assertArrayEquals(new byte[] {0b1010}, hub.in(1, 8).data(), "one byte, asked for more");
        assertEquals(Handshake.NAK, hub.in(1, 0).handshake(), "no room for the bitmap");
        feature(false, UsbHub.C_PORT_CONNECTION, 1);
        assertArrayEquals(new byte[] {0b1000}, hub.in(1, 1).data());
        assertEquals(InPacket.STALL, hub.in(2, 1), "no endpoint 2");
        assertEquals(Handshake.STALL, hub.out(1, new byte[0]));

        assertEquals(Handshake.ACK, request(0x02, 3, 0, 0x81), "SET_FEATURE(ENDPOINT_HALT)");
        assertArrayEquals(new byte[] {1, 0}, hub.control(new Setup(0x82, 0, 0, 0x81, 2), new byte[0]).dataIn());
        assertEquals(InPacket.STALL, hub.in(1, 1));
        assertEquals(Handshake.ACK, request(0x02, 1, 0, 0x81));
        assertArrayEquals(new byte[] {0b1000}, hub.in(1, 1).data());
        assertEquals(Handshake.STALL, request(0x02, 3, 0, 0x82), "no endpoint 0x82");
        assertEquals(Handshake.STALL, request(0x00, 3, 1, 0), "no remote wakeup");

        assertEquals(Handshake.ACK, request(0x00, 9, 0, 0), "deconfigured");
        assertEquals(InPacket.STALL, hub.in(1, 1), "the status-change endpoint is gone");
        assertEquals(Handshake.STALL, request(0x23, 3, UsbHub.PORT_POWER, 1), "no port power unconfigured");
        assertEquals(0, status(3)[0], "an unconfigured hub's ports are off");
        assertEquals(Handshake.STALL, request(0x00, 9, 2, 0), "no configuration 2");
    }

    @Test
    void aResetResetsTheDeviceAndABusResetOfTheHubForgetsItsPorts() {
        UsbStick stick = new UsbStick(new MemoryImage(8), "S");
        hub.connect(4, stick);
        stick.control(new Setup(0, 9, 1, 0, 0), new byte[0]);
        assertEquals(Handshake.NAK, stick.in(1, 13).handshake(), "configured: waits for a CBW");
        feature(true, UsbHub.PORT_RESET, 4);
        assertEquals(Handshake.NAK, stick.in(1, 13).handshake(), "an unpowered port's reset reaches nobody");
        bringUp(hub, 4);
        assertEquals(InPacket.STALL, stick.in(1, 13), "the port reset was the stick's bus reset");
        assertSame(stick, hub.routed(4));
        feature(true, UsbHub.PORT_RESET, 2);
        assertArrayEquals(new int[] {0, 0}, status(2), "an empty unpowered port stays so");
        hub.busReset();
        assertArrayEquals(new int[] {0, 0}, status(4));
        assertNull(hub.routed(4));
        assertSame(stick, hub.connected(4), "still plugged in");
        assertEquals(InPacket.STALL, hub.in(1, 1), "unconfigured");
        hub.control(new Setup(0, 9, 1, 0, 0), new byte[0]);
        feature(true, UsbHub.PORT_POWER, 4);
        assertArrayEquals(new int[] {0x0101, 0x0001}, status(4), "seen again once powered");
    }

    @Test
    void unpluggingFromAnUnpoweredPortChangesNothing() {
        UsbStick stick = new UsbStick(new MemoryImage(8), "S");
        hub.connect(3, stick);
        hub.connect(3, new UsbStick(new MemoryImage(8), "T"));
        assertSame(stick, hub.connected(3), "one device to a port");
        assertSame(stick, hub.disconnect(3));
        assertNull(hub.disconnect(3));
        assertNull(hub.disconnect(9));
        assertArrayEquals(new int[] {0, 0}, status(3));
        assertEquals(0, wakes.get());
    }

    @Test
    void aStickBehindTwoHubsIsRoutedOnlyOnceEveryPortOnTheWayIsEnabled() {
        UsbHub inner = new UsbHub(2);
        AtomicInteger innerWakes = new AtomicInteger();
        inner.onWake(innerWakes::incrementAndGet);
        UsbStick stick = new UsbStick(new MemoryImage(8), "DEEP");
        inner.connect(2, stick);
        hub.connect(3, inner);
        bringUp(hub, 3);
        assertSame(inner, hub.routed(3));
        assertEquals(0, innerWakes.get(), "the inner hub's ports are not powered yet");
        UsbDevice.Hub reached = (UsbDevice.Hub) hub.routed(3);
        reached.control(new Setup(0, 9, 1, 0, 0), new byte[0]);
        bringUp(inner, 2);
        assertEquals(2, innerWakes.get(), "connection seen, reset done");
        assertSame(stick, ((UsbDevice.Hub) hub.routed(3)).routed(2));
        assertEquals(2, wakes.get(), "the outer hub saw only its own port's changes");
        assertEquals(Handshake.NAK, inner.in(1, 1).handshake());
        hub.disconnect(3);
        assertNull(hub.routed(3));
        assertSame(stick, inner.connected(2), "the stick stays in the hub that was pulled out");
    }

    /** A setup packet near the requests the devices know, so that random ones reach their code. */
    @Provide
    Arbitrary<Setup> setups() {
        Arbitrary<Integer> type = Arbitraries.of(0x00, 0x80, 0x01, 0x81, 0x02, 0x82, 0x20, 0xa0, 0x21, 0xa1, 0x23, 0xa3,
                0x40, 0xc0).injectDuplicates(0.1).edgeCases(e -> e.add(0xff));
        Arbitrary<Integer> request = Arbitraries.oneOf(Arbitraries.integers().between(0, 12),
                Arbitraries.of(0xfe, 0xff), Arbitraries.integers().between(0, 255));
        Arbitrary<Integer> value = Arbitraries.oneOf(Arbitraries.integers().between(0, 22),
                Arbitraries.of(0x0100, 0x0200, 0x0300, 0x0301, 0x0303, 0x0600, 0x0700, 0x2900),
                Arbitraries.integers().between(0, 0xffff));
        Arbitrary<Integer> index = Arbitraries.oneOf(Arbitraries.integers().between(0, 8), Arbitraries.of(0x81, 0x02,
                0x80), Arbitraries.integers().between(0, 0xffff));
        Arbitrary<Integer> length = Arbitraries.oneOf(Arbitraries.integers().between(0, 64),
                Arbitraries.integers().between(0, 0xffff));
        return Combinators.combine(type, request, value, index, length).as(Setup::new);
    }

    @Property(tries = 300)
    void randomRequestsAndPacketsNeverBreakAHubOrTheStickBehindIt(
            @ForAll @Size(max = 60) List<@From("setups") Setup> setups, @ForAll long seed) {
        UsbHub top = new UsbHub(3);
        UsbStick stick = new UsbStick(new MemoryImage(16), "P");
        top.connect(2, stick);
        top.control(new Setup(0, 9, 1, 0, 0), new byte[0]);
        bringUp(top, 2); // from a live state: the stick enumerable, so that random requests disturb something
        stick.control(new Setup(0, 9, 1, 0, 0), new byte[0]);
        Random random = new Random(seed);
        for (Setup setup : setups) {
            UsbDevice d = random.nextBoolean() ? top : stick;
            byte[] data = new byte[random.nextInt(3) == 0 ? 31 : random.nextInt(600)];
            random.nextBytes(data);
            ControlReply reply = d.control(setup, setup.in() ? new byte[0] : data);
            assertTrue(reply.handshake() != Handshake.NAK && reply.dataIn().length <= setup.length(),
                    "a control reply is ACK or STALL, with at most wLength bytes");
            d.out(random.nextInt(4), data);
            InPacket in = d.in(random.nextInt(4), random.nextInt(1024));
            assertTrue(in.handshake() == Handshake.ACK || in.data().length == 0);
            if (random.nextInt(20) == 0) {
                d.busReset();
            }
            for (int port = 0; port <= 4; port++) {
                UsbDevice routed = top.routed(port);
                assertTrue(routed == null || routed == top.connected(port), "routed only what is connected");
                assertTrue(routed == null || (status(top, port)[0] & 0x0103) == 0x0103,
                        "routed only through a powered, connected, enabled port");
            }
        }
    }
}
