package org.microsim.kernel.machine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A removable SCSI direct-access block device (a USB stick's logical unit) over a {@link DiskImage}: the
 * command set a USB mass-storage driver uses, from SPC-4 and SBC-3, as Linux's sd and Redox's usbscsid send it.
 *
 * <pre>
 *   CDB (6..16 bytes) + data-out --> execute() --> status GOOD + data-in
 *                                              \-> CHECK CONDITION; sense kept for REQUEST SENSE
 * </pre>
 *
 * <p>What it answers: TEST UNIT READY, REQUEST SENSE (fixed format, 0x70), INQUIRY (36-byte standard data, and
 * the supported-pages and serial-number VPD pages), MODE SENSE(6) and (10) (the write-protect bit; the caching
 * page), READ CAPACITY(10) and (16), READ(10)/(16), WRITE(10)/(16), SYNCHRONIZE CACHE(10)/(16), and PREVENT ALLOW
 * MEDIUM REMOVAL and START STOP UNIT as no-ops. Anything else is ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE
 * (05/20/00); an LBA past the end is 05/21/00; a bad field is 05/24/00; a write to a read-only image is DATA
 * PROTECT (07/27/00); an image that fails is MEDIUM ERROR (03/11/00 on read, 03/0C/00 on write).
 *
 * <p>Injected faults ({@link DiskFaults}) hit reads and writes: {@code io} is MEDIUM ERROR (03/11/00 on a read,
 * 03/0C/00 on a write, nothing written), {@code corrupt} flips bytes of a read's data, and {@code timeout} is for the
 * transport, which asks {@link #hangs} before it runs a command and then never answers it.
 *
 * <p>After insertion the unit holds a UNIT ATTENTION, NOT READY TO READY CHANGE (06/28/00), which the first
 * command reports, as a freshly plugged stick does; INQUIRY and REQUEST SENSE pass it by (SPC-4 5.14), and
 * REQUEST SENSE returns it and clears it when no failed command's sense comes first. The model never throws on
 * what the host sends: any CDB, however short or strange, gets a status.
 *
 * <p>The bulk-only transport that carries these commands over USB (CBW, data, CSW) is a layer of its own above
 * this one, as in QEMU's dev-storage over its SCSI disk.
 */
final class ScsiDisk {
    static final int GOOD = 0x00;
    static final int CHECK_CONDITION = 0x02;

    static final int BLOCK_SIZE = DiskImage.SECTOR_SIZE;
    static final String VENDOR = "MICROSIM";
    static final String PRODUCT = "USB STICK";
    static final String REVISION = "1.0";

    /** What a command did: its SCSI status and the bytes it returns to the host (empty for none). */
    record Result(int status, byte[] dataIn) {
        static Result good(byte[] data) {
            return new Result(GOOD, data);
        }
    }

    private record Sense(int key, int asc, int ascq) {
        static final Sense NONE = new Sense(0, 0, 0);
    }

    private final DiskImage image;
    private final String serial;
    private final DiskFaults faults = new DiskFaults();
    /** The fault drawn for the command under way by {@link #hangs}, for its read or write to act on. */
    private DiskFaults.Hit drawn;
    private Sense sense = Sense.NONE;
    private boolean unitAttention = true;

    ScsiDisk(DiskImage image, String serial) {
        this.image = image;
        this.serial = serial;
    }

    /**
     * The number of bytes the host sends after {@code cdb} (a write's data), so that the transport can check the
     * host's stated direction and length against the command's; 0 for every other command.
     */
    static long dataOutLength(byte[] cdb) {
        return switch (cdb.length == 0 ? -1 : cdb[0] & 0xff) {
            case 0x2a -> cdb.length >= 10 ? (long) u16(cdb, 7) * BLOCK_SIZE : 0;
            case 0x8a -> cdb.length >= 16 ? (u32(cdb, 10) & 0xffff_ffffL) * BLOCK_SIZE : 0;
            default -> 0;
        };
    }

    /** Runs one command; {@code dataOut} holds what the host sent with it. */
    Result execute(byte[] cdb, byte[] dataOut) {
        if (cdb.length < 6) {
            return check(0x05, 0x24, 0x00);
        }
        int opcode = cdb[0] & 0xff;
        if (opcode == 0x03) {
            return requestSense(cdb);
        }
        if (opcode == 0x12) {
            return inquiry(cdb);
        }
        if (unitAttention) {
            unitAttention = false;
            return check(0x06, 0x28, 0x00);
        }
        return switch (opcode) {
            case 0x00, 0x1e, 0x1b -> good(new byte[0]); // TEST UNIT READY, PREVENT ALLOW MEDIUM REMOVAL, START STOP
            case 0x1a -> modeSense(cdb, false);
            case 0x5a -> cdb.length >= 10 ? modeSense(cdb, true) : check(0x05, 0x24, 0x00);
            case 0x25 -> readCapacity10();
            case 0x9e -> cdb.length >= 16 && (cdb[1] & 0x1f) == 0x10 ? readCapacity16(cdb) : invalidOpcode();
            case 0x28 -> cdb.length >= 10 ? read(u32(cdb, 2) & 0xffff_ffffL, u16(cdb, 7)) : invalidField();
            case 0x88 -> cdb.length >= 16 ? read(u64(cdb, 2), u32(cdb, 10) & 0xffff_ffffL) : invalidField();
            case 0x2a -> cdb.length >= 10 ? write(u32(cdb, 2) & 0xffff_ffffL, u16(cdb, 7), dataOut)
                    : invalidField();
            case 0x8a -> cdb.length >= 16 ? write(u64(cdb, 2), u32(cdb, 10) & 0xffff_ffffL, dataOut)
                    : invalidField();
            case 0x35, 0x91 -> synchronizeCache();
            default -> invalidOpcode();
        };
    }

    /** The faults armed on this unit. */
    DiskFaults faults() {
        return faults;
    }

    /**
     * Draws the fault for a command about to run, if it is a read or write one hits: true when it is a timeout
     * (the transport then never answers it); any other fault is kept for the command's execution.
     */
    boolean hangs(byte[] cdb) {
        int opcode = cdb.length == 0 ? -1 : cdb[0] & 0xff;
        boolean ten = (opcode == 0x28 || opcode == 0x2a) && cdb.length >= 10;
        boolean sixteen = (opcode == 0x88 || opcode == 0x8a) && cdb.length >= 16;
        drawn = !ten && !sixteen ? null : faults.take(ten ? u32(cdb, 2) & 0xffff_ffffL : u64(cdb, 2),
                ten ? u16(cdb, 7) : u32(cdb, 10) & 0xffff_ffffL, opcode == 0x2a || opcode == 0x8a);
        return drawn != null && drawn.kind() == DiskFaults.Kind.TIMEOUT;
    }

    /** Takes the fault drawn for this command, if any. */
    private DiskFaults.Hit takeDrawn() {
        DiskFaults.Hit fault = drawn;
        drawn = null;
        return fault;
    }

    /** The stick was (re)inserted: the next command reports NOT READY TO READY CHANGE. */
    void inserted() {
        unitAttention = true;
    }

    private Result requestSense(byte[] cdb) {
        // The sense of the last command that failed comes first; a pending unit attention is reported (and
        // cleared) only when there is none.
        Sense reported = sense;
        if (reported.equals(Sense.NONE) && unitAttention) {
            reported = new Sense(0x06, 0x28, 0x00);
            unitAttention = false;
        }
        sense = Sense.NONE;
        byte[] data = new byte[18];
        data[0] = 0x70; // current error, fixed format
        data[2] = (byte) reported.key();
        data[7] = 10; // additional sense length
        data[12] = (byte) reported.asc();
        data[13] = (byte) reported.ascq();
        return good(cut(data, cdb[4] & 0xff));
    }

    private Result inquiry(byte[] cdb) {
        int allocation = u16(cdb, 3);
        if ((cdb[1] & 0x01) != 0) {
            return switch (cdb[2] & 0xff) {
                case 0x00 -> good(cut(new byte[] {0, 0x00, 0, 2, 0x00, (byte) 0x80}, allocation));
                case 0x80 -> {
                    byte[] text = serial.getBytes(StandardCharsets.US_ASCII);
                    byte[] page = new byte[4 + text.length];
                    page[1] = (byte) 0x80;
                    page[3] = (byte) text.length;
                    System.arraycopy(text, 0, page, 4, text.length);
                    yield good(cut(page, allocation));
                }
                default -> invalidField();
            };
        }
        if (cdb[2] != 0) {
            return invalidField(); // a page code without EVPD
        }
        byte[] data = new byte[36];
        data[0] = 0x00; // direct-access block device, connected
        data[1] = (byte) 0x80; // removable medium
        data[2] = 0x06; // SPC-4
        data[3] = 0x02; // response data format 2
        data[4] = 31; // additional length
        ascii(data, 8, 8, VENDOR);
        ascii(data, 16, 16, PRODUCT);
        ascii(data, 32, 4, REVISION);
        return good(cut(data, allocation));
    }

    private Result modeSense(byte[] cdb, boolean ten) {
        int page = cdb[2] & 0x3f;
        if (page != 0x3f && page != 0x08) {
            return invalidField();
        }
        // The caching page: write cache off, as the model writes through to its image.
        byte[] caching = new byte[20];
        caching[0] = 0x08;
        caching[1] = 18;
        int header = ten ? 8 : 4;
        byte[] data = new byte[header + caching.length];
        int writeProtect = image.readOnly() ? 0x80 : 0;
        if (ten) {
            putU16(data, 0, data.length - 2);
            data[3] = (byte) writeProtect;
        } else {
            data[0] = (byte) (data.length - 1);
            data[2] = (byte) writeProtect;
        }
        System.arraycopy(caching, 0, data, header, caching.length);
        return good(cut(data, ten ? u16(cdb, 7) : cdb[4] & 0xff));
    }

    private Result readCapacity10() {
        long last = image.sectorCount() - 1;
        byte[] data = new byte[8];
        putU32(data, 0, (int) Math.min(last, 0xffff_ffffL)); // 0xffffffff: ask READ CAPACITY(16)
        putU32(data, 4, BLOCK_SIZE);
        return good(data);
    }

    private Result readCapacity16(byte[] cdb) {
        byte[] data = new byte[32];
        ByteBuffer.wrap(data).putLong(0, image.sectorCount() - 1).putInt(8, BLOCK_SIZE);
        return good(cut(data, u32(cdb, 10) & 0xffff_ffffL));
    }

    private Result read(long lba, long blocks) {
        if (outside(lba, blocks)) {
            return check(0x05, 0x21, 0x00);
        }
        if (blocks * BLOCK_SIZE > Integer.MAX_VALUE - 8) {
            return invalidField(); // more than one transfer can carry
        }
        DiskFaults.Hit fault = takeDrawn();
        if (fault != null && fault.kind() == DiskFaults.Kind.IO) {
            return check(0x03, 0x11, 0x00);
        }
        byte[] data = new byte[(int) blocks * BLOCK_SIZE];
        try {
            image.read(lba * BLOCK_SIZE, data, 0, data.length);
        } catch (IOException e) {
            return check(0x03, 0x11, 0x00);
        }
        if (fault != null && fault.kind() == DiskFaults.Kind.CORRUPT) {
            fault.flips().apply(0, data, 0, data.length);
        }
        return good(data);
    }

    private Result write(long lba, long blocks, byte[] dataOut) {
        if (outside(lba, blocks)) {
            return check(0x05, 0x21, 0x00);
        }
        if (image.readOnly()) {
            return check(0x07, 0x27, 0x00);
        }
        if (dataOut.length != blocks * BLOCK_SIZE) {
            return invalidField(); // the transport checked this; a short data-out is the host's mistake
        }
        DiskFaults.Hit fault = takeDrawn();
        if (fault != null && fault.kind() == DiskFaults.Kind.IO) {
            return check(0x03, 0x0c, 0x00);
        }
        try {
            image.write(lba * BLOCK_SIZE, dataOut, 0, dataOut.length);
        } catch (IOException e) {
            return check(0x03, 0x0c, 0x00);
        }
        return good(new byte[0]);
    }

    private Result synchronizeCache() {
        try {
            image.flush();
        } catch (IOException e) {
            return check(0x03, 0x0c, 0x00);
        }
        return good(new byte[0]);
    }

    private boolean outside(long lba, long blocks) {
        return lba < 0 || blocks < 0 || lba > image.sectorCount() - blocks;
    }

    private Result good(byte[] data) {
        sense = Sense.NONE;
        return Result.good(data);
    }

    private Result check(int key, int asc, int ascq) {
        sense = new Sense(key, asc, ascq);
        return new Result(CHECK_CONDITION, new byte[0]);
    }

    private Result invalidField() {
        return check(0x05, 0x24, 0x00);
    }

    private Result invalidOpcode() {
        return check(0x05, 0x20, 0x00);
    }

    private static byte[] cut(byte[] data, long allocation) {
        return allocation >= data.length ? data : Arrays.copyOf(data, (int) Math.max(0, allocation));
    }

    private static void ascii(byte[] dst, int at, int width, String text) {
        Arrays.fill(dst, at, at + width, (byte) ' ');
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, dst, at, Math.min(width, bytes.length));
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static int u32(byte[] b, int at) {
        return ByteBuffer.wrap(b).getInt(at);
    }

    private static long u64(byte[] b, int at) {
        return ByteBuffer.wrap(b).getLong(at);
    }

    private static void putU16(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 8);
        b[at + 1] = (byte) value;
    }

    private static void putU32(byte[] b, int at, int value) {
        ByteBuffer.wrap(b).putInt(at, value);
    }
}
