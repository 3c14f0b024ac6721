package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.microsim.kernel.machine.UsbDevice.Handshake;
import org.microsim.kernel.machine.UsbDevice.InPacket;

/** The stick's bulk-only transport against BOT 1.0: the wrappers, the cases of 6.7, and reset recovery. */
class BulkOnlyTransportTest {
    private final MemoryImage image = new MemoryImage(256);
    private final ScsiDisk unit = new ScsiDisk(image, "S");
    private final BulkOnlyTransport bot = new BulkOnlyTransport(unit);
    private int nextTag = 0x100;

    private static byte[] cbw(int tag, long length, boolean in, int lun, byte... cdb) {
        ByteBuffer b = ByteBuffer.allocate(31).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(BulkOnlyTransport.CBW_SIGNATURE).putInt(tag).putInt((int) length).put((byte) (in ? 0x80 : 0))
                .put((byte) lun).put((byte) cdb.length).put(cdb);
        return b.array();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** The CSW's tag, residue and status, after checking its signature and length. */
    private record Csw(int tag, int residue, int status) {
        static Csw of(InPacket packet) {
            assertEquals(Handshake.ACK, packet.handshake());
            assertEquals(13, packet.data().length);
            ByteBuffer b = ByteBuffer.wrap(packet.data()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(BulkOnlyTransport.CSW_SIGNATURE, b.getInt(0));
            return new Csw(b.getInt(4), b.getInt(8), b.get(12));
        }
    }

    /** A whole command with data from the device: CBW, data (while any), CSW. */
    private Csw commandIn(int length, byte... cdb) {
        int tag = nextTag++;
        assertEquals(Handshake.ACK, bot.bulkOut(cbw(tag, length, true, 0, cdb)));
        Csw csw = Csw.of(bot.bulkIn(13));
        assertEquals(tag, csw.tag());
        return csw;
    }

    @Test
    void aReadMovesItsDataAndTheCswMatchesTheTag() throws IOException {
        byte[] sector = new byte[512];
        Arrays.fill(sector, (byte) 0x3c);
        image.write(5 * 512L, sector, 0, 512);
        bot.bulkOut(cbw(1, 18, true, 0, bytes(0x00, 0, 0, 0, 0, 0))); // TEST UNIT READY: the insertion's attention
        assertEquals(Handshake.STALL, bot.bulkIn(18).handshake(), "case 4: data expected, none to give");
        bot.clearHalt(true);
        assertEquals(BulkOnlyTransport.FAILED, Csw.of(bot.bulkIn(13)).status());

        assertEquals(Handshake.ACK, bot.bulkOut(cbw(7, 512, true, 0, bytes(0x28, 0, 0, 0, 0, 5, 0, 0, 1, 0))));
        InPacket first = bot.bulkIn(64);
        assertEquals(64, first.data().length, "split into the host's packets");
        InPacket rest = bot.bulkIn(4096);
        assertEquals(448, rest.data().length);
        assertEquals(new Csw(7, 0, BulkOnlyTransport.PASSED), Csw.of(bot.bulkIn(13)));
        assertEquals(Handshake.NAK, bot.bulkIn(13).handshake(), "nothing to give before the next CBW");
    }

    @Test
    void aWriteTakesItsDataInPacketsThenRuns() throws IOException {
        commandIn(0, bytes(0x00, 0, 0, 0, 0, 0));
        byte[] data = new byte[1024];
        new Random(3).nextBytes(data);
        assertEquals(Handshake.ACK, bot.bulkOut(cbw(9, 1024, false, 0, bytes(0x2a, 0, 0, 0, 0, 10, 0, 0, 2, 0))));
        assertEquals(Handshake.NAK, bot.bulkIn(13).handshake(), "no CSW before the data");
        for (int at = 0; at < data.length; at += 512) {
            assertEquals(Handshake.ACK, bot.bulkOut(Arrays.copyOfRange(data, at, at + 512)));
        }
        assertEquals(new Csw(9, 0, BulkOnlyTransport.PASSED), Csw.of(bot.bulkIn(13)));
        byte[] back = new byte[1024];
        image.read(10 * 512L, back, 0, back.length);
        assertArrayEquals(data, back);
    }

    @Test
    void anIoFaultFailsTheReadWithMediumErrorInTheSenseAndTheWriteWritesNothing() throws IOException {
        commandIn(0, bytes(0x00, 0, 0, 0, 0, 0));
        unit.faults().arm(DiskFaults.Kind.IO, 2, 0, Long.MAX_VALUE, 1);
        assertEquals(Handshake.ACK, bot.bulkOut(cbw(4, 512, true, 0, bytes(0x28, 0, 0, 0, 0, 5, 0, 0, 1, 0))));
        assertEquals(Handshake.STALL, bot.bulkIn(512).handshake(), "no data for a failed read");
        bot.clearHalt(true);
        assertEquals(BulkOnlyTransport.FAILED, Csw.of(bot.bulkIn(13)).status());
        assertEquals(Handshake.ACK, bot.bulkOut(cbw(5, 18, true, 0, bytes(0x03, 0, 0, 0, 18, 0))));
        byte[] sense = bot.bulkIn(18).data();
        assertEquals(0x03, sense[2] & 0xf, "MEDIUM ERROR");
        assertEquals(0x11, sense[12] & 0xff, "UNRECOVERED READ ERROR");
        Csw.of(bot.bulkIn(13));

        assertEquals(Handshake.ACK, bot.bulkOut(cbw(6, 512, false, 0, bytes(0x2a, 0, 0, 0, 0, 9, 0, 0, 1, 0))));
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 0x77);
        bot.bulkOut(data);
        assertEquals(BulkOnlyTransport.FAILED, Csw.of(bot.bulkIn(13)).status());
        byte[] onDisk = new byte[512];
        image.read(9 * 512L, onDisk, 0, 512);
        assertArrayEquals(new byte[512], onDisk, "a failed write writes nothing");
        assertEquals(List.of(), unit.faults().active());
    }

    @Test
    void aTimeoutFaultTakesTheCbwAndNeverAnswersUntilTheResetRecovery() {
        commandIn(0, bytes(0x00, 0, 0, 0, 0, 0));
        unit.faults().arm(DiskFaults.Kind.TIMEOUT, 1, 0, Long.MAX_VALUE, 1);
        assertEquals(Handshake.ACK, bot.bulkOut(cbw(8, 512, true, 0, bytes(0x28, 0, 0, 0, 0, 5, 0, 0, 1, 0))));
        for (int i = 0; i < 3; i++) {
            assertEquals(Handshake.NAK, bot.bulkIn(512).handshake());
        }
        bot.reset();
        assertEquals(Handshake.ACK, bot.bulkOut(cbw(9, 512, true, 0, bytes(0x28, 0, 0, 0, 0, 5, 0, 0, 1, 0))));
        assertEquals(512, bot.bulkIn(512).data().length);
        assertEquals(new Csw(9, 0, BulkOnlyTransport.PASSED), Csw.of(bot.bulkIn(13)));
    }

    @Test
    void aCorruptFaultFlipsOneByteOfEachBlockInItsRangeAndThePassedCswSaysNothing() {
        commandIn(0, bytes(0x00, 0, 0, 0, 0, 0));
        unit.faults().arm(DiskFaults.Kind.CORRUPT, 1, 1, 1, 9);
        assertEquals(Handshake.ACK, bot.bulkOut(cbw(2, 1024, true, 0, bytes(0x28, 0, 0, 0, 0, 0, 0, 0, 2, 0))));
        byte[] data = bot.bulkIn(1024).data();
        assertEquals(new Csw(2, 0, BulkOnlyTransport.PASSED), Csw.of(bot.bulkIn(13)));
        int flipped = 0;
        for (int i = 0; i < data.length; i++) {
            flipped += data[i] != 0 ? 1 : 0;
            assertTrue(i >= 512 || data[i] == 0, "block 0 is outside the range");
        }
        assertEquals(1, flipped);
    }

    @Test
    void shortDataInEndsWithAShortPacketAndTheResidue() {
        assertEquals(Handshake.ACK, bot.bulkOut(cbw(3, 96, true, 0, bytes(0x12, 0, 0, 0, 96, 0))));
        assertEquals(36, bot.bulkIn(512).data().length, "INQUIRY has 36 bytes for a host that asked 96");
        assertEquals(new Csw(3, 60, BulkOnlyTransport.PASSED), Csw.of(bot.bulkIn(13)));
    }

    @Test
    void directionsOrLengthsThatDisagreeArePhaseErrorsAndNothingIsWritten() throws IOException {
        commandIn(0, bytes(0x00, 0, 0, 0, 0, 0));
        assertEquals(BulkOnlyTransport.PHASE_ERROR, commandIn(0, bytes(0x12, 0, 0, 0, 36, 0)).status(),
                "case 2: data for a host that offers none");
        assertEquals(BulkOnlyTransport.PHASE_ERROR, commandIn(8, bytes(0x12, 0, 0, 0, 36, 0)).status(),
                "case 7: more data than the host asked for");
        assertEquals(BulkOnlyTransport.PHASE_ERROR, commandIn(512, bytes(0x2a, 0, 0, 0, 0, 1, 0, 0, 1, 0)).status(),
                "case 10: the host expects data from a write");
        bot.bulkOut(cbw(77, 256, false, 0, bytes(0x2a, 0, 0, 0, 0, 1, 0, 0, 1, 0)));
        assertEquals(new Csw(77, 256, BulkOnlyTransport.PHASE_ERROR), Csw.of(bot.bulkIn(13)),
                "case 13: less data than the write needs");
        byte[] sector = new byte[512];
        image.read(512, sector, 0, 512);
        assertArrayEquals(new byte[512], sector);
    }

    @Test
    void anInvalidCbwStallsBothPipesUntilResetRecovery() {
        assertEquals(Handshake.STALL, bot.bulkOut(new byte[30]));
        assertTrue(bot.halted(true) && bot.halted(false));
        bot.clearHalt(true);
        bot.clearHalt(false);
        assertTrue(bot.halted(true) && bot.halted(false), "halts stay until the class reset (BOT 6.6.1)");
        assertEquals(Handshake.STALL, bot.bulkOut(cbw(1, 0, false, 0, bytes(0, 0, 0, 0, 0, 0))));
        bot.reset();
        bot.clearHalt(true);
        bot.clearHalt(false);
        assertFalse(bot.halted(true) || bot.halted(false));
        assertEquals(0, BulkOnlyTransport.maxLun());
        commandIn(0, bytes(0x00, 0, 0, 0, 0, 0));
        assertEquals(BulkOnlyTransport.PASSED, commandIn(0, bytes(0x00, 0, 0, 0, 0, 0)).status());

        byte[] seventeen = cbw(1, 0, false, 0, new byte[16]);
        seventeen[14] = 17;
        byte[] signature = cbw(1, 0, false, 0, bytes(0, 0, 0, 0, 0, 0));
        signature[3] = 0x44;
        for (byte[] bad : new byte[][] {cbw(1, 0, false, 1, bytes(0, 0, 0, 0, 0, 0)), cbw(1, 0, false, 0), seventeen,
            signature, Arrays.copyOf(cbw(1, 0, false, 0, bytes(0, 0, 0, 0, 0, 0)), 32)}) {
            bot.reset();
            bot.clearHalt(true);
            bot.clearHalt(false);
            assertEquals(Handshake.STALL, bot.bulkOut(bad));
        }
    }

    @Test
    void randomPacketsNeverThrow() {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            switch (random.nextInt(5)) {
                case 0 -> {
                    byte[] junk = new byte[random.nextInt(40)];
                    random.nextBytes(junk);
                    bot.bulkOut(junk);
                }
                case 1 -> {
                    byte[] cdb = new byte[1 + random.nextInt(16)];
                    random.nextBytes(cdb);
                    bot.bulkOut(cbw(i, random.nextInt(4096), random.nextBoolean(), 0, cdb));
                }
                case 2 -> bot.bulkIn(random.nextInt(1024) - 8);
                case 3 -> bot.reset();
                default -> bot.clearHalt(random.nextBoolean());
            }
        }
    }
}
