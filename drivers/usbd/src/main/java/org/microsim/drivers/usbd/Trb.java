package org.microsim.drivers.usbd;

/**
 * The fields of xHCI 1.2 Transfer Request Blocks the driver writes and the events it reads (6.4): types,
 * completion codes and control-dword flags, written here from the specification.
 */
final class Trb {
    static final int SIZE = 16;

    static final int NORMAL = 1;
    static final int SETUP = 2;
    static final int DATA = 3;
    static final int STATUS = 4;
    static final int LINK = 6;
    static final int ENABLE_SLOT = 9;
    static final int DISABLE_SLOT = 10;
    static final int ADDRESS_DEVICE = 11;
    static final int CONFIGURE_ENDPOINT = 12;
    static final int EVALUATE_CONTEXT = 13;
    static final int RESET_ENDPOINT = 14;
    static final int STOP_ENDPOINT = 15;
    static final int SET_TR_DEQUEUE = 16;
    static final int TRANSFER_EVENT = 32;
    static final int COMMAND_COMPLETION = 33;
    static final int PORT_STATUS_CHANGE = 34;

    static final int SUCCESS = 1;
    static final int TRANSACTION_ERROR = 4;
    static final int STALL = 6;
    static final int SHORT_PACKET = 13;
    static final int CONTEXT_STATE_ERROR = 19;

    static final int CYCLE = 1;
    static final int TOGGLE_CYCLE = 1 << 1;
    static final int ISP = 1 << 2;
    static final int CHAIN = 1 << 4;
    static final int IOC = 1 << 5;
    static final int IDT = 1 << 6;
    static final int DIR_IN = 1 << 16;
    /** Setup TRB Transfer Type: no data stage, OUT data, IN data. */
    static final int TRT_NONE = 0;
    static final int TRT_OUT = 2 << 16;
    static final int TRT_IN = 3 << 16;

    /** The most bytes one TRB moves, and the boundary its buffer may not cross (4.11.7.1). */
    static final int MAX_TRB_BYTES = 64 * 1024;

    private Trb() {
    }

    static int type(int type) {
        return type << 10;
    }

    /** An event read from the event ring. */
    record Event(long parameter, int status, int control) {
        int type() {
            return control >>> 10 & 0x3f;
        }

        int code() {
            return status >>> 24;
        }

        int residual() {
            return status & 0xffffff;
        }

        int slot() {
            return control >>> 24;
        }

        int endpoint() {
            return control >>> 16 & 0x1f;
        }

        /** A Port Status Change event's port. */
        int port() {
            return (int) (parameter >>> 24) & 0xff;
        }
    }

    /** What a completion code means, for log lines. */
    static String describe(int code) {
        return switch (code) {
            case SUCCESS -> "success";
            case 2 -> "data buffer error";
            case TRANSACTION_ERROR -> "USB transaction error (device gone?)";
            case 5 -> "TRB error";
            case STALL -> "stall";
            case 9 -> "no slots available";
            case 11 -> "slot not enabled";
            case 12 -> "endpoint not enabled";
            case SHORT_PACKET -> "short packet";
            case 17 -> "parameter error";
            case CONTEXT_STATE_ERROR -> "context state error";
            default -> "completion code " + code;
        };
    }
}
