package org.microsim.kernel.machine;

/**
 * One Transfer Request Block (xHCI 1.2, 4.11 and 6.4): 16 bytes in guest memory, a 64-bit parameter, a status
 * dword and a control dword whose bit 0 is the cycle bit and bits 15:10 the type. The same shape serves the
 * command, transfer and event rings; the constants here are the fields this model reads or writes.
 *
 * @param address where the TRB was read, which events point back to
 */
record XhciTrb(long address, long parameter, int status, int control) {
    static final int SIZE = 16;

    // Types (6.4.6).
    static final int NORMAL = 1;
    static final int SETUP = 2;
    static final int DATA = 3;
    static final int STATUS = 4;
    static final int ISOCH = 5;
    static final int LINK = 6;
    static final int EVENT_DATA = 7;
    static final int NO_OP = 8;
    static final int ENABLE_SLOT = 9;
    static final int DISABLE_SLOT = 10;
    static final int ADDRESS_DEVICE = 11;
    static final int CONFIGURE_ENDPOINT = 12;
    static final int EVALUATE_CONTEXT = 13;
    static final int RESET_ENDPOINT = 14;
    static final int STOP_ENDPOINT = 15;
    static final int SET_TR_DEQUEUE = 16;
    static final int RESET_DEVICE = 17;
    static final int NO_OP_COMMAND = 23;
    static final int TRANSFER_EVENT = 32;
    static final int COMMAND_COMPLETION_EVENT = 33;
    static final int PORT_STATUS_CHANGE_EVENT = 34;
    static final int HOST_CONTROLLER_EVENT = 37;

    // Completion codes (6.4.5).
    static final int SUCCESS = 1;
    static final int DATA_BUFFER_ERROR = 2;
    static final int TRANSACTION_ERROR = 4;
    static final int TRB_ERROR = 5;
    static final int STALL_ERROR = 6;
    static final int NO_SLOTS = 9;
    static final int SLOT_NOT_ENABLED = 11;
    static final int ENDPOINT_NOT_ENABLED = 12;
    static final int SHORT_PACKET = 13;
    static final int PARAMETER_ERROR = 17;
    static final int CONTEXT_STATE_ERROR = 19;
    static final int EVENT_RING_FULL = 21;
    static final int COMMAND_RING_STOPPED = 24;
    static final int COMMAND_ABORTED = 25;
    static final int STOPPED_LENGTH_INVALID = 27;

    // Control dword flags.
    static final int CYCLE = 1;
    static final int LINK_TOGGLE_CYCLE = 1 << 1;
    static final int ISP = 1 << 2;
    static final int CHAIN = 1 << 4;
    static final int IOC = 1 << 5;
    static final int IDT = 1 << 6;
    static final int BEI = 1 << 9;
    static final int BSR = 1 << 9;
    static final int DECONFIGURE = 1 << 9;
    static final int DIR_IN = 1 << 16;
    static final int EVENT_DATA_FLAG = 1 << 2;

    /** Reads the TRB at {@code address}, or null when the memory is not there. */
    static XhciTrb read(PhysicalMemory memory, long address) {
        byte[] b = new byte[SIZE];
        if (!memory.read(address, b, 0, SIZE)) {
            return null;
        }
        return new XhciTrb(address, Bytes.le64(b, 0), Bytes.le32(b, 8), Bytes.le32(b, 12));
    }

    /** The 16 bytes of a TRB with these fields. */
    static byte[] encode(long parameter, int status, int control) {
        byte[] b = new byte[SIZE];
        Bytes.put32(b, 0, (int) parameter);
        Bytes.put32(b, 4, (int) (parameter >>> 32));
        Bytes.put32(b, 8, status);
        Bytes.put32(b, 12, control);
        return b;
    }

    int type() {
        return control >>> 10 & 0x3f;
    }

    boolean cycle() {
        return (control & CYCLE) != 0;
    }

    boolean has(int flag) {
        return (control & flag) != 0;
    }

    /** A transfer TRB's length (bits 16:0 of the status dword). */
    int length() {
        return status & 0x1ffff;
    }

    /** The interrupter a transfer TRB's events go to (bits 31:22 of the status dword). */
    int interrupterTarget() {
        return status >>> 22;
    }

    /** A command's slot id (bits 31:24 of the control dword). */
    int slotId() {
        return control >>> 24;
    }

    /** A command's endpoint id, a DCI (bits 20:16 of the control dword). */
    int endpointId() {
        return control >>> 16 & 0x1f;
    }
}
