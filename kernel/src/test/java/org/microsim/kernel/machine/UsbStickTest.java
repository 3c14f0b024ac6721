package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.microsim.kernel.machine.UsbDevice.ControlReply;
import org.microsim.kernel.machine.UsbDevice.Handshake;
import org.microsim.kernel.machine.UsbDevice.InPacket;
import org.microsim.kernel.machine.UsbDevice.Setup;

/** The stick as USB 2.0 chapter 9 and BOT 1.0 describe a device: descriptors, requests, endpoints, recovery. */
class UsbStickTest {
    private final Host host = new Host(new UsbStick(new MemoryImage(128), "SER42"));
    private final UsbStick stick = host.stick;

    /** What a command got: its CSW's tag, residue and status, and the data that came before it. */
    private record Command(int tag, int residue, int status, byte[] dataIn) {
    }

    /** The host's side: requests on endpoint 0, commands as CBW on EP2 OUT, data in 512-byte packets, CSW on EP1 IN. */
    private static final class Host {
        private final UsbStick stick;

        Host(UsbStick stick) {
            this.stick = stick;
        }

        ControlReply get(int type, int index, int length) {
            return stick.control(new Setup(0x80, 6, type << 8 | index, 0, length), new byte[0]);
        }

        Handshake request(int requestType, int request, int value, int index) {
            return stick.control(new Setup(requestType, request, value, index, 0), new byte[0]).handshake();
        }

        byte[] requestIn(int requestType, int request, int value, int index, int length) {
            ControlReply reply = stick.control(new Setup(requestType, request, value, index, length), new byte[0]);
            assertEquals(Handshake.ACK, reply.handshake());
            return reply.dataIn();
        }

        Command run(int tag, boolean in, int length, byte[] dataOut, int... cdb) {
            byte[] cbw = new byte[31];
            Bytes.put32(cbw, 0, BulkOnlyTransport.CBW_SIGNATURE);
            Bytes.put32(cbw, 4, tag);
            Bytes.put32(cbw, 8, length);
            cbw[12] = (byte) (in ? 0x80 : 0);
            cbw[14] = (byte) cdb.length;
            for (int i = 0; i < cdb.length; i++) {
                cbw[15 + i] = (byte) cdb[i];
            }
            assertEquals(Handshake.ACK, stick.out(2, cbw));
            for (int at = 0; at < dataOut.length; at += UsbStick.MAX_PACKET) {
                int end = Math.min(dataOut.length, at + UsbStick.MAX_PACKET);
                assertEquals(Handshake.ACK, stick.out(2, Arrays.copyOfRange(dataOut, at, end)));
            }
            byte[] data = new byte[0];
            boolean dataStage = in && length > 0;
            while (dataStage) { // until a short packet or all the host asked for
                InPacket packet = stick.in(1, UsbStick.MAX_PACKET);
                assertEquals(Handshake.ACK, packet.handshake());
                byte[] got = packet.data();
                data = Arrays.copyOf(data, data.length + got.length);
                System.arraycopy(got, 0, data, data.length - got.length, got.length);
                assertTrue(data.length <= length, "more data than the CBW asked for");
                dataStage = got.length == UsbStick.MAX_PACKET && data.length < length;
            }
            InPacket csw = stick.in(1, UsbStick.MAX_PACKET);
            assertEquals(Handshake.ACK, csw.handshake());
            assertEquals(BulkOnlyTransport.CSW_LENGTH, csw.data().length);
            assertEquals(BulkOnlyTransport.CSW_SIGNATURE, Bytes.le32(csw.data(), 0));
            assertEquals(tag, Bytes.le32(csw.data(), 4));
            return new Command(tag, Bytes.le32(csw.data(), 8), csw.data()[12], data);
        }

        void configure() {
            assertEquals(Handshake.ACK, request(0, 9, 1, 0));
        }
    }

    @Test
    void descriptorsAreTheSpecsBytes() {
        byte[] device = host.get(1, 0, 64).dataIn();
        assertEquals(18, device.length);
        assertArrayEquals(new byte[] {18, 1, 0x00, 0x02, 0, 0, 0, 64, (byte) 0xf4, 0x46, 0x01, 0x00, 0, 0, 1, 2, 3, 1},
                device);
        assertEquals(1, device[17], "one configuration");
        assertEquals(8, host.get(1, 0, 8).dataIn().length, "wLength truncates");
        byte[] config = host.get(2, 0, 255).dataIn();
        assertEquals(32, config.length);
        assertEquals(32, config[2] & 0xff, "wTotalLength");
        assertArrayEquals(new byte[] {9, 4, 0, 0, 2, 8, 6, 0x50, 0}, Arrays.copyOfRange(config, 9, 18));
        assertArrayEquals(new byte[] {7, 5, (byte) 0x81, 2, 0, 2, 0}, Arrays.copyOfRange(config, 18, 25));
        assertArrayEquals(new byte[] {7, 5, 0x02, 2, 0, 2, 0}, Arrays.copyOfRange(config, 25, 32));
        assertArrayEquals(new byte[] {4, 3, 0x09, 0x04}, host.get(3, 0, 255).dataIn());
        byte[] serial = host.get(3, 3, 255).dataIn();
        assertEquals("SER42", new String(serial, 2, serial.length - 2, StandardCharsets.UTF_16LE));
        assertEquals(10, host.get(6, 0, 255).dataIn().length, "a high-speed device has a device qualifier");
        assertEquals(Handshake.STALL, host.get(3, 9, 255).handshake(), "no string 9");
        assertEquals(Handshake.STALL, host.get(0x21, 0, 255).handshake(), "no HID descriptor");
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
        host.configure(); // SET_CONFIGURATION clears halts (9.4.5), but not these (BOT 6.6.1)
        assertEquals(Handshake.STALL, stick.out(2, new byte[31]));
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

    @Test
    void theQualifierOtherSpeedConfigurationAndStringsAreTheSpecsBytes() {
        assertArrayEquals(new byte[] {10, 6, 0x00, 0x02, 0, 0, 0, 64, 1, 0}, host.get(6, 0, 10).dataIn());
        byte[] other = host.get(7, 0, 255).dataIn();
        assertEquals(32, other.length);
        assertArrayEquals(new byte[] {9, 7, 32, 0, 1, 1, 0, (byte) 0xc0, 50}, Arrays.copyOf(other, 9));
        assertArrayEquals(new byte[] {7, 5, (byte) 0x81, 2, 64, 0, 0}, Arrays.copyOfRange(other, 18, 25),
                "a full-speed bulk endpoint has at most 64-byte packets");
        assertArrayEquals(new byte[] {9, 2, 32, 0, 1, 1, 0, (byte) 0xc0, 50}, host.get(2, 0, 9).dataIn(),
                "the host reads the first 9 bytes for wTotalLength");
        assertArrayEquals(new byte[] {10, 3, 'Q', 0, 'E', 0, 'M', 0, 'U', 0}, host.get(3, 1, 255).dataIn());
        byte[] product = host.get(3, 2, 255).dataIn();
        assertEquals(2 + 2 * 18, product[0]);
        assertEquals("QEMU USB HARDDRIVE", new String(product, 2, product.length - 2, StandardCharsets.UTF_16LE));
        assertArrayEquals(new byte[] {38, 3}, host.get(3, 2, 2).dataIn(), "a string's length first, as hosts ask");
        assertEquals(Handshake.STALL, host.get(2, 1, 255).handshake(), "one configuration only");
        assertEquals(0, host.get(1, 0, 0).dataIn().length, "wLength 0: no data stage");
    }

    @Test
    void standardRequestsFollowChapterNine() {
        assertArrayEquals(new byte[] {1, 0}, host.requestIn(0x80, 0, 0, 0, 2), "self-powered, no remote wakeup");
        assertEquals(Handshake.STALL, stick.control(new Setup(0x81, 0, 0, 0, 2), new byte[0]).handshake(),
                "no interface before configuration");
        assertEquals(Handshake.STALL, stick.control(new Setup(0x80, 9, 1, 0, 0), new byte[0]).handshake(),
                "SET_CONFIGURATION with the direction bit set is a request error");
        assertEquals(Handshake.STALL, host.request(0x01, 9, 1, 0), "SET_CONFIGURATION goes to the device");
        assertArrayEquals(new byte[] {0}, host.requestIn(0x80, 8, 0, 0, 1));
        assertEquals(Handshake.ACK, host.request(0, 5, 7, 0), "SET_ADDRESS is harmless");
        host.configure();
        assertArrayEquals(new byte[] {0, 0}, host.requestIn(0x81, 0, 0, 0, 2));
        assertArrayEquals(new byte[] {0}, host.requestIn(0x81, 10, 0, 0, 1));
        assertEquals(Handshake.STALL, host.request(0x01, 11, 1, 0), "no alternate setting 1");
        assertEquals(Handshake.STALL, host.request(0x00, 3, 1, 0), "no remote wakeup to enable");
        assertEquals(Handshake.STALL, host.request(0x02, 3, 0, 0x83), "no endpoint 3");

        assertEquals(Handshake.ACK, host.request(0x02, 3, 0, 0x02), "SET_FEATURE(ENDPOINT_HALT) on bulk-out");
        assertArrayEquals(new byte[] {1, 0}, host.requestIn(0x82, 0, 0, 0x02, 2));
        assertArrayEquals(new byte[] {0, 0}, host.requestIn(0x82, 0, 0, 0x81, 2));
        assertEquals(Handshake.STALL, stick.out(2, new byte[31]));
        assertEquals(Handshake.ACK, host.request(0x01, 11, 0, 0), "SET_INTERFACE clears halts (9.4.5)");
        assertArrayEquals(new byte[] {0, 0}, host.requestIn(0x82, 0, 0, 0x02, 2));
        assertEquals(Handshake.ACK, host.request(0x02, 3, 0, 0x81));
        assertEquals(InPacket.STALL, stick.in(1, 13));
        assertEquals(Handshake.ACK, host.request(0x02, 1, 0, 0x81));
        assertEquals(Handshake.NAK, stick.in(1, 13).handshake());
        assertEquals(Handshake.STALL, stick.out(1, new byte[31]), "endpoint 1 is IN only");
        assertEquals(InPacket.STALL, stick.in(2, 13), "endpoint 2 is OUT only");
    }

    @Test
    void getMaxLunAnswersZeroToItsExactShapeOnly() {
        assertEquals(Handshake.STALL, stick.control(new Setup(0xa1, 0xfe, 0, 0, 1), new byte[0]).handshake(),
                "not before configuration");
        host.configure();
        assertArrayEquals(new byte[] {0}, host.requestIn(0xa1, 0xfe, 0, 0, 1));
        assertEquals(Handshake.STALL, stick.control(new Setup(0xa1, 0xfe, 0, 1, 1), new byte[0]).handshake(),
                "interface 1");
        assertEquals(Handshake.STALL, stick.control(new Setup(0xa1, 0xfe, 0, 0, 2), new byte[0]).handshake(),
                "wLength 2");
        assertEquals(Handshake.STALL, host.request(0x21, 0xfe, 0, 0), "OUT");
        assertEquals(Handshake.STALL, host.request(0x21, 0xff, 1, 0), "a class reset with wValue 1");
    }

    @Test
    void writesAndReadsGoThroughTheEndpointsToTheImageAfterTheInsertionsAttention() throws IOException {
        MemoryImage image = new MemoryImage(64);
        UsbStick fresh = new UsbStick(image, "RT");
        assertSame(image, fresh.image());
        Host host = new Host(fresh);
        host.configure();
        Command tur = host.run(1, false, 0, new byte[0], 0x00, 0, 0, 0, 0, 0);
        assertEquals(BulkOnlyTransport.FAILED, tur.status(), "the first command: CHECK CONDITION");
        Command sense = host.run(2, true, 18, new byte[0], 0x03, 0, 0, 0, 18, 0);
        assertEquals(BulkOnlyTransport.PASSED, sense.status());
        assertArrayEquals(new byte[] {0x06, 0, 0, 0, 0, 0, 0x28, 0x00}, new byte[] {sense.dataIn()[2], 0, 0, 0, 0, 0,
                sense.dataIn()[12], sense.dataIn()[13]}, "UNIT ATTENTION, NOT READY TO READY CHANGE");
        assertEquals(BulkOnlyTransport.PASSED, host.run(3, false, 0, new byte[0], 0x00, 0, 0, 0, 0, 0).status());

        byte[] written = new byte[3 * 512];
        new Random(14).nextBytes(written);
        Command write = host.run(4, false, written.length, written, 0x2a, 0, 0, 0, 0, 5, 0, 0, 3, 0);
        assertEquals(BulkOnlyTransport.PASSED, write.status());
        assertEquals(0, write.residue());
        byte[] onImage = new byte[written.length];
        image.read(5 * 512, onImage, 0, onImage.length);
        assertArrayEquals(written, onImage, "WRITE(10) of LBA 5-7 is on the image");

        Command read = host.run(5, true, 4 * 512, new byte[0], 0x28, 0, 0, 0, 0, 4, 0, 0, 4, 0);
        assertEquals(BulkOnlyTransport.PASSED, read.status());
        assertEquals(0, read.residue());
        assertArrayEquals(new byte[512], Arrays.copyOf(read.dataIn(), 512), "LBA 4 was never written");
        assertArrayEquals(written, Arrays.copyOfRange(read.dataIn(), 512, 2048));
    }

    @Test
    void aReadOnlyImageSetsTheWriteProtectBitOfModeSense() {
        for (boolean readOnly : new boolean[] {false, true}) {
            Host host = new Host(new UsbStick(new MemoryImage(8, readOnly), "WP"));
            host.configure();
            host.run(1, false, 0, new byte[0], 0x00, 0, 0, 0, 0, 0); // the insertion's attention
            Command six = host.run(2, true, 192, new byte[0], 0x1a, 0, 0x3f, 0, 192, 0);
            assertEquals(BulkOnlyTransport.PASSED, six.status());
            assertEquals(readOnly ? 0x80 : 0, six.dataIn()[2] & 0xff, "MODE SENSE(6) device-specific parameter");
            assertEquals(192 - six.dataIn().length, six.residue());
            Command ten = host.run(3, true, 64, new byte[0], 0x5a, 0, 0x3f, 0, 0, 0, 0, 0, 64, 0);
            assertEquals(readOnly ? 0x80 : 0, ten.dataIn()[3] & 0xff, "MODE SENSE(10)");
        }
    }

    @Test
    void aBusResetDropsTheCommandInProgressAndUnconfigures() {
        host.configure();
        host.run(1, false, 0, new byte[0], 0x00, 0, 0, 0, 0, 0);
        byte[] cbw = new byte[31];
        Bytes.put32(cbw, 0, BulkOnlyTransport.CBW_SIGNATURE);
        Bytes.put32(cbw, 8, 512);
        cbw[12] = (byte) 0x80;
        cbw[14] = 10;
        cbw[15] = 0x28;
        cbw[23] = 1; // READ(10) of one block, its data never fetched
        assertEquals(Handshake.ACK, stick.out(2, cbw));
        assertEquals(Handshake.ACK, host.request(0x02, 3, 0, 0x02));
        stick.busReset();
        assertArrayEquals(new byte[] {0}, host.requestIn(0x80, 8, 0, 0, 1));
        host.configure();
        assertArrayEquals(new byte[] {0, 0}, host.requestIn(0x82, 0, 0, 0x02, 2), "halts cleared");
        assertEquals(Handshake.NAK, stick.in(1, 512).handshake(), "waiting for a CBW, not in the read's data");
        assertEquals(BulkOnlyTransport.PASSED, host.run(9, false, 0, new byte[0], 0x00, 0, 0, 0, 0, 0).status());
    }
}
