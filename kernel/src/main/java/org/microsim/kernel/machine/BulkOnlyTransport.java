package org.microsim.kernel.machine;

import java.util.Arrays;
import org.microsim.kernel.machine.UsbDevice.Handshake;
import org.microsim.kernel.machine.UsbDevice.InPacket;

/**
 * USB Mass Storage Class Bulk-Only Transport (BOT 1.0), the device side: commands arrive in a 31-byte Command
 * Block Wrapper on the bulk-out endpoint, data moves on bulk-out or bulk-in, and a 13-byte Command Status Wrapper
 * ends each command on bulk-in. The SCSI unit behind it is a {@link ScsiDisk}.
 *
 * <pre>
 *            bulk-out: CBW            bulk-out: data (a write)
 *   [ CBW ] ------------------&gt; [ DATA_OUT ] -------------------+
 *      ^        \                                                v
 *      |         \-----------&gt; [ DATA_IN ] --bulk-in: data--&gt; [ CSW ] --bulk-in: CSW--+
 *      |          (data for the host)                          ^                     |
 *      |          (no data) ------------------------------------+                     |
 *      +-----------------------------------------------------------------------------+
 * </pre>
 *
 * <p>The thirteen cases of BOT 6.7 reduce to three outcomes. When host and command agree on direction and the
 * host offers at least what the command moves, the command runs, and the CSW carries its status (0 passed, 1
 * failed) and the residue (what the host offered and did not get). When they disagree (the host expects data the
 * other way, or less than the command moves), nothing is transferred for the command and the CSW says phase
 * error (2), after which a host does a reset recovery. A CBW that is not one (wrong length or signature, a LUN
 * other than 0, a command block of 0 or more than 16 bytes) stalls both bulk endpoints, and they stay stalled,
 * even through CLEAR_FEATURE(ENDPOINT_HALT), until the class reset (0xFF) comes (BOT 6.6.1): then the host
 * clears both halts and sends a CBW again.
 *
 * <p>A packet the device cannot take or give yet (bulk-in before a CBW, bulk-out while it owes a CSW) is NAKed:
 * the endpoint waits, as a real device's does. Nothing the host sends makes the model throw.
 */
final class BulkOnlyTransport {
    static final int CBW_LENGTH = 31;
    static final int CSW_LENGTH = 13;
    static final int CBW_SIGNATURE = 0x43425355;
    static final int CSW_SIGNATURE = 0x53425355;
    static final int PASSED = 0;
    static final int FAILED = 1;
    static final int PHASE_ERROR = 2;
    /** The largest write whose data is gathered (a READ(10)'s or WRITE(10)'s most is 32 MiB). */
    static final long MAX_WRITE = 64L << 20;

    private enum State { CBW, DATA_OUT, DATA_IN, CSW }

    private final ScsiDisk unit;
    private State state = State.CBW;
    private boolean inHalted;
    private boolean outHalted;
    private boolean awaitingReset;

    private int tag;
    private byte[] cdb;
    private long offered;
    /** Data-in still to give, and how much of it was given. */
    private byte[] pending = new byte[0];
    private int position;
    /** Data-out: what the host still sends is counted; a write's data is kept in {@code writeData}. */
    private long received;
    private byte[] writeData;
    private int status;
    private long residue;

    BulkOnlyTransport(ScsiDisk unit) {
        this.unit = unit;
    }

    /** A packet the host sends on the bulk-out endpoint. */
    Handshake bulkOut(byte[] packet) {
        if (outHalted) {
            return Handshake.STALL;
        }
        return switch (state) {
            case CBW -> commandBlock(packet);
            case DATA_OUT -> dataOut(packet);
            case DATA_IN, CSW -> Handshake.NAK;
        };
    }

    /** A bulk-in request of the host for at most {@code maxLength} bytes. */
    InPacket bulkIn(int maxLength) {
        if (inHalted) {
            return InPacket.STALL;
        }
        return switch (state) {
            case CBW, DATA_OUT -> InPacket.NAK;
            case DATA_IN -> {
                int length = Math.min(Math.max(0, maxLength), pending.length - position);
                // All of it at once, the usual case, goes without a copy: the unit made the array for this reply.
                byte[] data = position == 0 && length == pending.length ? pending
                        : Arrays.copyOfRange(pending, position, position + length);
                position += length;
                if (position == pending.length) {
                    state = State.CSW;
                }
                yield InPacket.ack(data);
            }
            case CSW -> {
                state = State.CBW;
                yield InPacket.ack(statusWrapper());
            }
        };
    }

    /** The class request Bulk-Only Mass Storage Reset (0xFF): ready for a CBW; halts stay for the host to clear. */
    void reset() {
        awaitingReset = false;
        state = State.CBW;
        pending = new byte[0];
        position = 0;
        writeData = null;
    }

    /** The class request Get Max LUN (0xFE): the highest logical unit number, 0 for the one unit here. */
    static int maxLun() {
        return 0;
    }

    /** CLEAR_FEATURE(ENDPOINT_HALT) on the bulk-in ({@code in}) or bulk-out endpoint; refused until a reset. */
    void clearHalt(boolean in) {
        if (awaitingReset) {
            return;
        }
        if (in) {
            inHalted = false;
        } else {
            outHalted = false;
        }
    }

    /** SET_FEATURE(ENDPOINT_HALT) on the bulk-in ({@code in}) or bulk-out endpoint. */
    void halt(boolean in) {
        if (in) {
            inHalted = true;
        } else {
            outHalted = true;
        }
    }

    /** Whether the transport waits for a CBW: between commands. */
    boolean awaitingCommand() {
        return state == State.CBW;
    }

    /** Whether the bulk-in ({@code in}) or bulk-out endpoint is halted. */
    boolean halted(boolean in) {
        return in ? inHalted : outHalted;
    }

    private Handshake commandBlock(byte[] packet) {
        int length = packet.length == CBW_LENGTH ? packet[14] & 0x1f : 0;
        if (packet.length != CBW_LENGTH || Bytes.le32(packet, 0) != CBW_SIGNATURE || (packet[13] & 0x0f) != 0
                || length < 1 || length > 16) {
            inHalted = true;
            outHalted = true;
            awaitingReset = true;
            return Handshake.STALL;
        }
        byte[] block = Arrays.copyOfRange(packet, 15, 15 + length);
        if (unit.hangs(block)) {
            return Handshake.ACK; // a timeout fault: taken and never answered; bulk-in NAKs until a reset
        }
        tag = Bytes.le32(packet, 4);
        offered = Bytes.u32(packet, 8);
        boolean hostIn = (packet[12] & 0x80) != 0;
        cdb = block;
        long writes = ScsiDisk.dataOutLength(cdb);
        if (offered == 0 || !hostIn) {
            if (writes > offered) {
                return phaseError(); // case 3 or 13: the host offers less than the write needs
            }
            writeData = null;
            if (writes > 0 && writes <= MAX_WRITE) {
                writeData = new byte[(int) writes]; // runs once it has come
            } else {
                // Runs now: a command without data-out, or a write too large to be right, which the unit refuses
                // with its sense. What the host sends after it is taken and dropped (case 9).
                ScsiDisk.Result result = unit.execute(cdb, new byte[0]);
                if (result.dataIn().length > 0) {
                    return phaseError(); // case 2: the command has data for a host that offers none
                }
                finish(result.status(), offered);
            }
            received = 0;
            state = offered == 0 ? State.CSW : State.DATA_OUT;
            return Handshake.ACK;
        }
        if (writes > 0) {
            return phaseError(); // case 10: the host expects data from a write
        }
        ScsiDisk.Result result = unit.execute(cdb, new byte[0]);
        if (result.dataIn().length > offered) {
            return phaseError(); // case 7: more data than the host asked for
        }
        finish(result.status(), offered - result.dataIn().length);
        pending = result.dataIn();
        position = 0;
        state = pending.length == 0 ? State.CSW : State.DATA_IN;
        // Case 4, data expected and none to give: the bulk-in endpoint stalls, the host clears the halt and reads
        // the CSW. With some data but less than asked (case 5) a short packet ends the data instead.
        inHalted = pending.length == 0;
        return Handshake.ACK;
    }

    private Handshake dataOut(byte[] packet) {
        int take = (int) Math.min(packet.length, offered - received);
        if (writeData != null && received < writeData.length) {
            System.arraycopy(packet, 0, writeData, (int) received, (int) Math.min(take, writeData.length - received));
        }
        received += take;
        if (received < offered) {
            return Handshake.ACK;
        }
        if (writeData != null) {
            ScsiDisk.Result result = unit.execute(cdb, writeData);
            finish(result.status(), offered - writeData.length);
            writeData = null;
        }
        state = State.CSW;
        return Handshake.ACK;
    }

    private Handshake phaseError() {
        status = PHASE_ERROR;
        residue = offered;
        pending = new byte[0];
        writeData = null;
        state = State.CSW;
        return Handshake.ACK;
    }

    private void finish(int scsiStatus, long left) {
        status = scsiStatus == ScsiDisk.GOOD ? PASSED : FAILED;
        residue = left;
    }

    private byte[] statusWrapper() {
        byte[] csw = new byte[CSW_LENGTH];
        Bytes.put32(csw, 0, CSW_SIGNATURE);
        Bytes.put32(csw, 4, tag);
        Bytes.put32(csw, 8, (int) residue);
        csw[12] = (byte) status;
        return csw;
    }
}
