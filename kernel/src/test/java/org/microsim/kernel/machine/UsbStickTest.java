package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.microsim.kernel.machine.UsbDevice.ControlReply;
import org.microsim.kernel.machine.UsbDevice.Handshake;
import org.microsim.kernel.machine.UsbDevice.InPacket;
import org.microsim.kernel.machine.UsbDevice.Setup;

/** The stick as USB 2.0 chapter 9 and BOT 1.0 describe a device: descriptors, requests, endpoints, recovery. */
class UsbStickTest {
    private final UsbStick stick = new UsbStick(new MemoryImage(128), "SER42");

    private ControlReply get(int type, int index, int length) {
        return stick.control(new Setup(0x80, 6, type << 8 | index, 0, length), new byte[0]);
    }

    @Test
    void descriptorsAreTheSpecsBytes() {
        byte[] device = get(1, 0, 64).dataIn();
        assertEquals(18, device.length);
        assertArrayEquals(new byte[] {18, 1, 0x00, 0x02, 0, 0, 0, 64, (byte) 0xf4, 0x46, 0x01, 0x00}, java.util.Arrays
                .copyOf(device, 12));
        assertEquals(1, device[17], "one configuration");
        assertEquals(8, get(1, 0, 8).dataIn().length, "wLength truncates");
        byte[] config = get(2, 0, 255).dataIn();
        assertEquals(32, config.length);
        assertEquals(32, config[2] & 0xff, "wTotalLength");
        assertArrayEquals(new byte[] {9, 4, 0, 0, 2, 8, 6, 0x50, 0}, java.util.Arrays.copyOfRange(config, 9, 18));
        assertArrayEquals(new byte[] {7, 5, (byte) 0x81, 2, 0, 2, 0}, java.util.Arrays.copyOfRange(config, 18, 25));
        assertArrayEquals(new byte[] {7, 5, 0x02, 2, 0, 2, 0}, java.util.Arrays.copyOfRange(config, 25, 32));
        assertArrayEquals(new byte[] {4, 3, 0x09, 0x04}, get(3, 0, 255).dataIn());
        byte[] serial = get(3, 3, 255).dataIn();
        assertEquals("SER42", new String(serial, 2, serial.length - 2, StandardCharsets.UTF_16LE));
        assertEquals(10, get(6, 0, 255).dataIn().length, "a high-speed device has a device qualifier");
        assertEquals(Handshake.STALL, get(3, 9, 255).handshake(), "no string 9");
        assertEquals(Handshake.STALL, get(0x21, 0, 255).handshake(), "no HID descriptor");
    }

    @Test
    void bulkEndpointsAnswerOnlyOnceConfigured() {
        assertEquals(Handshake.STALL, stick.out(2, new byte[31]));
        assertEquals(InPacket.STALL, stick.in(1, 13));
        assertEquals(Handshake.STALL, stick.control(new Setup(0, 9, 2, 0, 0), new byte[0]).handshake());
        assertEquals(Handshake.ACK, stick.control(new Setup(0, 9, 1, 0, 0), new byte[0]).handshake());
        assertArrayEquals(new byte[] {1}, stick.control(new Setup(0x80, 8, 0, 0, 1), new byte[0]).dataIn());
        assertEquals(Handshake.NAK, stick.in(1, 13).handshake(), "no CBW yet: the data waits");
        assertArrayEquals(new byte[] {0}, stick.control(new Setup(0xa1, 0xfe, 0, 0, 1), new byte[0]).dataIn());
        stick.busReset();
        assertEquals(InPacket.STALL, stick.in(1, 13), "a bus reset unconfigures");
    }

    @Test
    void aBadCbwStallsBothPipesUntilTheClassResetThenClearHalt() {
        stick.control(new Setup(0, 9, 1, 0, 0), new byte[0]);
        assertEquals(Handshake.STALL, stick.out(2, new byte[10]));
        assertEquals(InPacket.STALL, stick.in(1, 13));
        assertArrayEquals(new byte[] {1, 0}, stick.control(new Setup(0x82, 0, 0, 0x81, 2), new byte[0]).dataIn());
        stick.control(new Setup(0x02, 1, 0, 0x81, 0), new byte[0]); // CLEAR_FEATURE(HALT): refused before reset
        assertEquals(InPacket.STALL, stick.in(1, 13));
        assertEquals(Handshake.ACK, stick.control(new Setup(0x21, 0xff, 0, 0, 0), new byte[0]).handshake());
        stick.control(new Setup(0x02, 1, 0, 0x81, 0), new byte[0]);
        stick.control(new Setup(0x02, 1, 0, 0x02, 0), new byte[0]);
        assertArrayEquals(new byte[] {0, 0}, stick.control(new Setup(0x82, 0, 0, 0x81, 2), new byte[0]).dataIn());
        byte[] cbw = new byte[31];
        Bytes.put32(cbw, 0, BulkOnlyTransport.CBW_SIGNATURE);
        Bytes.put32(cbw, 4, 5);
        cbw[14] = 6; // TEST UNIT READY
        assertEquals(Handshake.ACK, stick.out(2, cbw));
        InPacket csw = stick.in(1, 13);
        assertEquals(Handshake.ACK, csw.handshake());
        assertEquals(5, Bytes.le32(csw.data(), 4));
    }

    @Test
    void unsupportedRequestsStall() {
        assertEquals(Handshake.STALL, stick.control(new Setup(0x40, 1, 0, 0, 0), new byte[0]).handshake(), "vendor");
        assertEquals(Handshake.STALL, stick.control(new Setup(0x21, 0xff, 0, 0, 0), new byte[0]).handshake(),
                "class reset before configuration");
        assertEquals(Handshake.STALL, stick.control(new Setup(0x80, 0x42, 0, 0, 4), new byte[0]).handshake());
    }
}
