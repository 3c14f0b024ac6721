package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stick's SCSI logical unit against SPC-4/SBC-3: statuses, data and sense, as a host driver sees them. */
class ScsiDiskTest {
    private static final int SECTORS = 2048;

    private final MemoryImage image = new MemoryImage(SECTORS);
    private final ScsiDisk disk = new ScsiDisk(image, "0123456789AB");

    private static byte[] cdb(int... bytes) {
        byte[] cdb = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            cdb[i] = (byte) bytes[i];
        }
        return cdb;
    }

    private ScsiDisk.Result run(byte[] cdb) {
        return disk.execute(cdb, new byte[0]);
    }

    /** REQUEST SENSE's key/ASC/ASCQ, as {@code 0xKKAAQQ}. */
    private int sense() {
        byte[] data = run(cdb(0x03, 0, 0, 0, 18, 0)).dataIn();
        assertEquals(0x70, data[0] & 0xff);
        return (data[2] & 0x0f) << 16 | (data[12] & 0xff) << 8 | (data[13] & 0xff);
    }

    private void ready() {
        run(cdb(0x00, 0, 0, 0, 0, 0)); // takes the unit attention of insertion
    }

    private static byte[] rw10(int opcode, long lba, int blocks) {
        return cdb(opcode, 0, (int) (lba >>> 24), (int) (lba >>> 16), (int) (lba >>> 8), (int) lba, 0, blocks >>> 8,
                blocks, 0);
    }

    private static byte[] rw16(int opcode, long lba, long blocks) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) opcode;
        ByteBuffer.wrap(cdb).putLong(2, lba).putInt(10, (int) blocks);
        return cdb;
    }

    @Test
    void theFirstCommandAfterInsertionReportsNotReadyToReadyChangeAndInquiryPassesItBy() {
        ScsiDisk.Result inquiry = run(cdb(0x12, 0, 0, 0, 36, 0));
        assertEquals(ScsiDisk.GOOD, inquiry.status());
        assertEquals(ScsiDisk.CHECK_CONDITION, run(cdb(0x00, 0, 0, 0, 0, 0)).status());
        assertEquals(0x062800, sense());
        assertEquals(ScsiDisk.GOOD, run(cdb(0x00, 0, 0, 0, 0, 0)).status());
        disk.inserted();
        assertEquals(0x062800, sense(), "REQUEST SENSE returns a pending unit attention and clears it");
        assertEquals(ScsiDisk.GOOD, run(cdb(0x00, 0, 0, 0, 0, 0)).status());
    }

    @Test
    void inquiryIsAStandardRemovableDirectAccessDeviceCutToTheAllocationLength() {
        byte[] data = run(cdb(0x12, 0, 0, 0, 36, 0)).dataIn();
        assertEquals(36, data.length);
        assertEquals(0x00, data[0]);
        assertEquals(0x80, data[1] & 0xff);
        assertEquals(31, data[4]);
        assertEquals("MICROSIM", new String(data, 8, 8, StandardCharsets.US_ASCII));
        assertEquals("USB STICK       ", new String(data, 16, 16, StandardCharsets.US_ASCII));
        assertEquals(5, run(cdb(0x12, 0, 0, 0, 5, 0)).dataIn().length);
        byte[] serial = run(cdb(0x12, 1, 0x80, 0, 255, 0)).dataIn();
        assertEquals("0123456789AB", new String(serial, 4, serial[3], StandardCharsets.US_ASCII));
        assertEquals(ScsiDisk.CHECK_CONDITION, run(cdb(0x12, 1, 0x83, 0, 255, 0)).status());
        assertEquals(0x052400, sense());
    }

    @Test
    void capacityInBothForms() {
        ready();
        byte[] ten = run(cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)).dataIn();
        assertEquals(SECTORS - 1, ByteBuffer.wrap(ten).getInt(0));
        assertEquals(512, ByteBuffer.wrap(ten).getInt(4));
        byte[] cdb16 = new byte[16];
        cdb16[0] = (byte) 0x9e;
        cdb16[1] = 0x10;
        cdb16[13] = 32;
        byte[] sixteen = run(cdb16).dataIn();
        assertEquals(32, sixteen.length);
        assertEquals(SECTORS - 1, ByteBuffer.wrap(sixteen).getLong(0));
        assertEquals(512, ByteBuffer.wrap(sixteen).getInt(8));
    }

    @Test
    void writesAndReadsAtBothCdbSizesReachTheImage() throws IOException {
        ready();
        byte[] data = new byte[3 * 512];
        Arrays.fill(data, (byte) 0x5a);
        data[700] = 1;
        assertEquals(ScsiDisk.GOOD, disk.execute(rw10(0x2a, 100, 3), data).status());
        byte[] back = new byte[data.length];
        image.read(100 * 512L, back, 0, back.length);
        assertArrayEquals(data, back);
        assertArrayEquals(data, run(rw16(0x88, 100, 3)).dataIn());
        assertEquals(ScsiDisk.GOOD, disk.execute(rw16(0x8a, SECTORS - 1, 1), new byte[512]).status());
        assertEquals(0, run(rw10(0x28, 0, 0)).dataIn().length, "READ(10) of 0 blocks transfers nothing");
        assertEquals(ScsiDisk.GOOD, run(cdb(0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0)).status());
    }

    @Test
    void accessesPastTheEndAreLbaOutOfRange() {
        ready();
        assertEquals(ScsiDisk.CHECK_CONDITION, run(rw10(0x28, SECTORS - 1, 2)).status());
        assertEquals(0x052100, sense());
        assertEquals(ScsiDisk.CHECK_CONDITION, run(rw16(0x88, -1L, 1)).status());
        assertEquals(0x052100, sense());
        assertEquals(ScsiDisk.CHECK_CONDITION, disk.execute(rw16(0x8a, SECTORS, 1), new byte[512]).status());
        assertEquals(0x052100, sense());
    }

    @Test
    void aReadOnlyImageIsWriteProtectedInModeSenseAndRefusesWrites() {
        ScsiDisk stick = new ScsiDisk(new MemoryImage(64, true), "X");
        stick.execute(cdb(0x00, 0, 0, 0, 0, 0), new byte[0]);
        byte[] six = stick.execute(cdb(0x1a, 0, 0x3f, 0, 192, 0), new byte[0]).dataIn();
        assertEquals(0x80, six[2] & 0xff);
        assertEquals(six.length - 1, six[0] & 0xff);
        byte[] ten = stick.execute(cdb(0x5a, 0, 0x3f, 0, 0, 0, 0, 0, 192, 0), new byte[0]).dataIn();
        assertEquals(0x80, ten[3] & 0xff);
        assertEquals(0x08, ten[8], "the caching page follows the 8-byte header");
        assertEquals(ScsiDisk.CHECK_CONDITION, stick.execute(rw10(0x2a, 0, 1), new byte[512]).status());
        byte[] sense = stick.execute(cdb(0x03, 0, 0, 0, 18, 0), new byte[0]).dataIn();
        assertEquals(0x07, sense[2]);
        assertEquals(0x27, sense[12]);
        ready();
        assertEquals(0, run(cdb(0x1a, 0, 0x3f, 0, 192, 0)).dataIn()[2] & 0x80, "a writable stick is not protected");
    }

    @Test
    void anythingElseIsIllegalRequestAndNothingThrows() {
        ready();
        assertEquals(ScsiDisk.CHECK_CONDITION, run(cdb(0x23, 0, 0, 0, 0, 0, 0, 0, 252, 0)).status());
        assertEquals(0x052000, sense(), "READ FORMAT CAPACITIES, which Windows sends");
        assertEquals(ScsiDisk.CHECK_CONDITION, run(new byte[0]).status());
        assertEquals(ScsiDisk.CHECK_CONDITION, run(cdb(0x28, 0, 0)).status());
        assertEquals(ScsiDisk.CHECK_CONDITION, run(cdb(0x28, 0, 0, 0, 0, 0)).status(), "a READ(10) cut short");
        assertEquals(0x052400, sense());
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            byte[] junk = new byte[random.nextInt(17)];
            random.nextBytes(junk);
            ScsiDisk.Result result = disk.execute(junk, new byte[random.nextInt(2) * 512]);
            assertTrue(result.status() == ScsiDisk.GOOD || result.status() == ScsiDisk.CHECK_CONDITION);
        }
    }
}
