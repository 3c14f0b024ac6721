package org.microsim.drivers.usbd;

import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Handle;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockInfo;

/**
 * A USB mass-storage device as a disk: the bulk-only transport (BOT 1.0) carrying SCSI commands (SPC-4, SBC-3).
 *
 * <pre>
 *   command ─▶ CBW (31 bytes, tag) on bulk-out ─▶ data on bulk-in or bulk-out ─▶ CSW (13 bytes) on bulk-in
 *   CSW status 1 ─▶ REQUEST SENSE ─▶ the sense decides the error    status 2, a bad CSW, a stall on a CBW
 *   ─▶ reset recovery: class reset 0xFF, CLEAR_FEATURE(ENDPOINT_HALT) on bulk-in, then on bulk-out (BOT 5.3.4)
 * </pre>
 *
 * <p>Start-up as Linux's usb-storage and Redox's usbscsid do it: Get Max LUN (a STALL means 0), TEST UNIT READY
 * until the medium is ready (the UNIT ATTENTION after insertion is taken by REQUEST SENSE), INQUIRY, READ
 * CAPACITY(10) and, when the disk is too big for it, READ CAPACITY(16), then MODE SENSE(6) for the write-protect
 * bit. Reads and writes are READ(10)/WRITE(10), or the (16) forms past 2^32 blocks, in commands of at most the
 * device's DMA buffer; a bigger request is split, never refused.
 */
final class MassStorage {
    /** One block request's most (BlockRequest.MAX_TRANSFER): a request is one command, as AHCI's are. */
    static final int BUFFER = 1 << 20;
    private static final int CBW_SIGNATURE = 0x43425355;
    private static final int CSW_SIGNATURE = 0x53425355;
    private static final int TUR_TRIES = 8;

    final Device device;
    final int bulkIn;
    final int bulkOut;
    private final int interfaceNumber;
    private final DmaBuffer cbw;
    private final DmaBuffer csw;
    private final DmaBuffer data;
    private int tag;
    BlockInfo info;
    String name;
    Handle port;

    MassStorage(Device device, int interfaceNumber, int bulkIn, int bulkOut) {
        this.device = device;
        this.interfaceNumber = interfaceNumber;
        this.bulkIn = bulkIn;
        this.bulkOut = bulkOut;
        this.cbw = device.buffer(64);
        this.csw = device.buffer(512);
        this.data = device.buffer(BUFFER);
    }

    /** Blocks one command moves at most. */
    int blocksPerCommand() {
        return BUFFER / info.blockSize();
    }

    /** The DMA buffer data moves through: a read's data is there after {@link #read}, a write's before. */
    DmaBuffer buffer() {
        return data;
    }

    /** Learns what the device is: readiness, size, write protection. Throws with the reason it cannot be used. */
    void start() throws BlockException {
        try {
            device.controlIn(0xa1, 0xfe, 0, interfaceNumber, 1); // Get Max LUN: only LUN 0 is used
        } catch (Device.UsbException e) {
            if (e.code != Trb.STALL) {
                throw error("Get Max LUN", e);
            }
        }
        boolean ready = false;
        for (int i = 0; i < TUR_TRIES && !ready; i++) {
            ready = command(new byte[] {0x00, 0, 0, 0, 0, 0}, 0, false) == 0;
            if (!ready) {
                requestSense();
            }
        }
        if (!ready) {
            throw new BlockException(BlockError.IO_ERROR, "the medium never became ready");
        }
        command(new byte[] {0x12, 0, 0, 0, 36, 0}, 36, true); // INQUIRY, for the log's sake of it
        byte[] cap = new byte[8];
        check(command(new byte[] {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 8, true), "READ CAPACITY(10)");
        data.read(0, cap, 0, 8);
        long last = Fields.be32(cap, 0) & 0xffffffffL;
        int blockSize = Fields.be32(cap, 4);
        if (last == 0xffffffffL) {
            byte[] rc16 = new byte[16];
            rc16[0] = (byte) 0x9e;
            rc16[1] = 0x10;
            rc16[13] = 32;
            check(command(rc16, 32, true), "READ CAPACITY(16)");
            byte[] big = new byte[12];
            data.read(0, big, 0, 12);
            last = (long) Fields.be32(big, 0) << 32 | Fields.be32(big, 4) & 0xffffffffL;
            blockSize = Fields.be32(big, 8);
        }
        if (blockSize <= 0 || blockSize > BUFFER || BUFFER % blockSize != 0) {
            throw new BlockException(BlockError.IO_ERROR, "a block size of " + blockSize + " bytes");
        }
        boolean readOnly = false;
        if (command(new byte[] {0x1a, 0, 0x3f, 0, (byte) 192, 0}, 192, true) == 0) {
            byte[] header = new byte[4];
            data.read(0, header, 0, 4);
            readOnly = (header[2] & 0x80) != 0;
        } else {
            requestSense();
        }
        info = new BlockInfo(blockSize, last + 1, readOnly);
    }

    /** Reads {@code count} blocks at {@code lba} into the buffer (count at most {@link #blocksPerCommand}). */
    void read(long lba, int count) throws BlockException {
        check(command(readWrite(0x28, 0x88, lba, count), count * info.blockSize(), true), "READ");
    }

    /** Writes {@code count} blocks at {@code lba} from the buffer. */
    void write(long lba, int count) throws BlockException {
        check(command(readWrite(0x2a, 0x8a, lba, count), count * info.blockSize(), false), "WRITE");
    }

    /** SYNCHRONIZE CACHE(10) of the whole medium. */
    void flush() throws BlockException {
        check(command(new byte[10], 0, false, (byte) 0x35), "SYNCHRONIZE CACHE");
    }

    private static byte[] readWrite(int op10, int op16, long lba, int count) {
        if (lba + count <= 0xffffffffL) {
            byte[] cdb = new byte[10];
            cdb[0] = (byte) op10;
            Fields.putBe32(cdb, 2, (int) lba);
            cdb[7] = (byte) (count >>> 8);
            cdb[8] = (byte) count;
            return cdb;
        }
        byte[] cdb = new byte[16];
        cdb[0] = (byte) op16;
        Fields.putBe32(cdb, 2, (int) (lba >>> 32));
        Fields.putBe32(cdb, 6, (int) lba);
        Fields.putBe32(cdb, 10, count);
        return cdb;
    }

    /** A failed status (1) becomes the error its sense says; anything else passed. */
    private void check(int status, String what) throws BlockException {
        if (status != 0) {
            int[] sense = requestSense();
            BlockError error = sense[0] == 0x07 && sense[1] == 0x27 ? BlockError.READ_ONLY : BlockError.IO_ERROR;
            throw new BlockException(error, what + " failed: sense " + String.format("%02x/%02x/%02x", sense[0],
                    sense[1], sense[2]));
        }
    }

    /** REQUEST SENSE: key, ASC, ASCQ (zeros when it fails too). */
    private int[] requestSense() throws BlockException {
        if (command(new byte[] {0x03, 0, 0, 0, 18, 0}, 18, true) != 0) {
            return new int[3];
        }
        byte[] sense = new byte[18];
        data.read(0, sense, 0, 18);
        return new int[] {sense[2] & 0xf, sense[12] & 0xff, sense[13] & 0xff};
    }

    private int command(byte[] cdb, int length, boolean in) throws BlockException {
        return command(cdb, length, in, cdb[0]);
    }

    /** A failure after which the reset recovery succeeded: the stick is ready for the command again. */
    private static final class Recovered extends BlockException {
        Recovered(String message) {
            super(BlockError.IO_ERROR, message);
        }
    }

    /**
     * A command, tried once more after a failure the reset recovery cleared (a stalled CBW, a bad CSW, a command
     * the stick never answered), as Linux's usb-storage retries after its reset: a glitch costs a reset, not the
     * caller's request. A second failure is the caller's I/O error.
     */
    private int command(byte[] cdb, int length, boolean in, byte opcode) throws BlockException {
        try {
            return attempt(cdb, length, in, opcode);
        } catch (Recovered e) {
            device.sys.log("usbd: " + (name == null ? "the stick at port " + device.where() : name)
                    + ": reset after " + e.getMessage() + "; trying the command again");
            return attempt(cdb, length, in, opcode);
        }
    }

    /**
     * One BOT command: CBW, data, CSW; returns the CSW status (0 passed, 1 failed). A phase error, a bad CSW or a
     * stall where none may be ends in a reset recovery and {@link Recovered}; a gone device is DEVICE_GONE.
     */
    private int attempt(byte[] cdb, int length, boolean in, byte opcode) throws BlockException {
        cdb[0] = opcode;
        int myTag = ++tag;
        byte[] wrapper = new byte[31];
        Fields.putLe32(wrapper, 0, CBW_SIGNATURE);
        Fields.putLe32(wrapper, 4, myTag);
        Fields.putLe32(wrapper, 8, length);
        wrapper[12] = (byte) (in ? 0x80 : 0);
        wrapper[14] = (byte) cdb.length;
        System.arraycopy(cdb, 0, wrapper, 15, cdb.length);
        cbw.write(0, wrapper, 0, 31);
        try {
            // All three stages are queued at once, as the rings allow: the stick NAKs the data and the CSW until
            // the CBW is in, and the driver waits once for what arrives together.
            Device.Td cbwTd = device.submit(bulkOut, cbw, 31);
            Device.Td dataTd = length > 0 ? device.submit(in ? bulkIn : bulkOut, data, length) : null;
            Device.Td cswTd = device.submit(bulkIn, csw, 13);
            try {
                device.complete(cbwTd);
            } catch (Device.UsbException e) {
                throw recover("the CBW", e);
            }
            if (dataTd != null) {
                try {
                    device.complete(dataTd);
                } catch (Device.UsbException e) {
                    if (e.code != Trb.STALL) {
                        throw recover("the data", e);
                    }
                    // A stalled data stage (6.7.2): clear it, and read the CSW; a stall on bulk-in took the queued
                    // CSW transfer with it, so it is asked for again.
                    clearHalt(dataTd.dci());
                    if (in) {
                        cswTd = device.submit(bulkIn, csw, 13);
                    }
                }
            }
            int got;
            try {
                got = device.complete(cswTd);
            } catch (Device.UsbException e) {
                if (e.code != Trb.STALL) {
                    throw recover("the CSW", e);
                }
                clearHalt(bulkIn); // one retry after a stall on the CSW (5.3.3)
                got = device.transfer(bulkIn, csw, 13);
            }
            byte[] status = new byte[13];
            csw.read(0, status, 0, 13);
            if (got != 13 || Fields.le32(status, 0) != CSW_SIGNATURE || Fields.le32(status, 4) != myTag
                    || status[12] > 1) {
                resetRecovery();
                throw new Recovered(status[12] == 2 ? "a phase error" : "a CSW that is not one");
            }
            return status[12];
        } catch (Device.UsbException e) {
            throw recover("the CSW", e);
        }
    }

    private BlockException recover(String stage, Device.UsbException e) {
        if (device.gone) {
            return new BlockException(BlockError.DEVICE_GONE, "the stick at USB port " + device.where() + " is gone");
        }
        try {
            device.abandon(bulkIn); // what is still queued for this command must not take the next one's data
            device.abandon(bulkOut);
            resetRecovery();
        } catch (Device.UsbException again) {
            return new BlockException(device.gone ? BlockError.DEVICE_GONE : BlockError.IO_ERROR,
                    stage + " failed (" + e.getMessage() + ") and so did the reset recovery (" + again.getMessage() + ")");
        }
        return new Recovered(stage + " failed: " + e.getMessage());
    }

    /** BOT reset recovery (5.3.4): the class reset, then the halts of both bulk endpoints cleared. */
    private void resetRecovery() throws Device.UsbException {
        device.controlOut(0x21, 0xff, 0, interfaceNumber, null);
        clearHalt(bulkIn);
        clearHalt(bulkOut);
    }

    private void clearHalt(int dci) throws Device.UsbException {
        int address = dci / 2 | ((dci & 1) == 1 ? 0x80 : 0);
        device.controlOut(0x02, 1, 0, address, null);
    }

    private BlockException error(String what, Device.UsbException e) {
        return new BlockException(device.gone ? BlockError.DEVICE_GONE : BlockError.IO_ERROR,
                what + " failed: " + e.getMessage());
    }
}
