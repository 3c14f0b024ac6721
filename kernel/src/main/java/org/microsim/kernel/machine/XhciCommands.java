package org.microsim.kernel.machine;

import static org.microsim.kernel.machine.XhciSlot.ADDRESSED;
import static org.microsim.kernel.machine.XhciSlot.CONFIGURED;
import static org.microsim.kernel.machine.XhciSlot.CONTEXT_SIZE;
import static org.microsim.kernel.machine.XhciSlot.DEFAULT;
import static org.microsim.kernel.machine.XhciSlot.ENABLED;
import static org.microsim.kernel.machine.XhciSlot.EP_DISABLED;
import static org.microsim.kernel.machine.XhciSlot.EP_HALTED;
import static org.microsim.kernel.machine.XhciSlot.EP_RUNNING;
import static org.microsim.kernel.machine.XhciSlot.EP_STOPPED;
import static org.microsim.kernel.machine.XhciTrb.CONTEXT_STATE_ERROR;
import static org.microsim.kernel.machine.XhciTrb.ENDPOINT_NOT_ENABLED;
import static org.microsim.kernel.machine.XhciTrb.PARAMETER_ERROR;
import static org.microsim.kernel.machine.XhciTrb.SLOT_NOT_ENABLED;
import static org.microsim.kernel.machine.XhciTrb.SUCCESS;
import static org.microsim.kernel.machine.XhciTrb.TRANSACTION_ERROR;

/**
 * The command ring's commands (xHCI 4.6): each reads its TRB (and, for the context commands, the input context
 * software prepared), changes slot and endpoint state, mirrors the change into the output device context, and
 * answers with a completion code. Commands in the wrong state get Context State Error, commands for a slot
 * that is not enabled Slot Not Enabled, malformed contexts Parameter Error, and any type this controller does not
 * implement TRB Error, as the spec says; nothing a guest writes makes the model throw.
 *
 * <p>Input context (6.2.5): the Input Control Context (drop flags in dword 0, add flags in dword 1), then the
 * slot context, then the endpoint contexts by DCI, each 32 bytes (HCCPARAMS1.CSZ is 0).
 */
final class XhciCommands {
    /** The answer to one command: completion code and, for Enable Slot, the slot. */
    record Completion(int code, int slot) {
        static Completion of(int code) {
            return new Completion(code, 0);
        }
    }

    private final XhciController hc;
    private final PhysicalMemory memory;

    XhciCommands(XhciController hc, PhysicalMemory memory) {
        this.hc = hc;
        this.memory = memory;
    }

    Completion run(XhciTrb trb) {
        return switch (trb.type()) {
            case XhciTrb.ENABLE_SLOT -> enableSlot(trb);
            case XhciTrb.NO_OP_COMMAND -> Completion.of(SUCCESS);
            default -> {
                XhciSlot slot = hc.slot(trb.slotId());
                if (slot == null) {
                    yield isSlotCommand(trb.type()) ? new Completion(SLOT_NOT_ENABLED, trb.slotId())
                            : Completion.of(XhciTrb.TRB_ERROR);
                }
                yield new Completion(run(trb, slot), slot.id);
            }
        };
    }

    private static boolean isSlotCommand(int type) {
        return type >= XhciTrb.DISABLE_SLOT && type <= XhciTrb.RESET_DEVICE;
    }

    private int run(XhciTrb trb, XhciSlot slot) {
        return switch (trb.type()) {
            case XhciTrb.DISABLE_SLOT -> {
                hc.disableSlot(slot);
                yield SUCCESS;
            }
            case XhciTrb.ADDRESS_DEVICE -> addressDevice(trb, slot);
            case XhciTrb.CONFIGURE_ENDPOINT -> configureEndpoint(trb, slot);
            case XhciTrb.EVALUATE_CONTEXT -> evaluateContext(trb, slot);
            case XhciTrb.RESET_ENDPOINT -> resetEndpoint(trb, slot);
            case XhciTrb.STOP_ENDPOINT -> stopEndpoint(trb, slot);
            case XhciTrb.SET_TR_DEQUEUE -> setDequeue(trb, slot);
            case XhciTrb.RESET_DEVICE -> resetDevice(slot);
            default -> XhciTrb.TRB_ERROR;
        };
    }

    private Completion enableSlot(XhciTrb trb) {
        if ((trb.control() >>> 16 & 0x1f) != 0) {
            return Completion.of(PARAMETER_ERROR); // only the USB slot type 0 exists here
        }
        XhciSlot slot = hc.newSlot();
        return slot == null ? Completion.of(XhciTrb.NO_SLOTS) : new Completion(SUCCESS, slot.id);
    }

    private int addressDevice(XhciTrb trb, XhciSlot slot) {
        boolean blockSetAddress = trb.has(XhciTrb.BSR);
        if (slot.state != ENABLED && !(slot.state == DEFAULT && !blockSetAddress)) {
            return CONTEXT_STATE_ERROR;
        }
        byte[] input = readInput(trb.parameter(), 3);
        long output = hc.deviceContextAddress(slot.id);
        if (input == null || output == 0 || (Bytes.le32(input, 4) & 0x3) != 0x3) {
            return PARAMETER_ERROR; // both the slot (A0) and endpoint 0 (A1) must be added
        }
        int rootPort = input[CONTEXT_SIZE + 4 + 2] & 0xff;
        int route = Bytes.le32(input, CONTEXT_SIZE) & 0xfffff;
        int endpointProblem = checkEndpoint(input, 2 * CONTEXT_SIZE, 1);
        if (endpointProblem != SUCCESS) {
            return endpointProblem;
        }
        UsbDevice device = hc.route(rootPort, route);
        if (device == null) {
            return TRANSACTION_ERROR; // nothing answers there: no device, a port not enabled, a hub port off
        }
        slot.device = device;
        slot.rootPort = rootPort;
        slot.route = route;
        slot.outputContext = output;
        slot.state = blockSetAddress ? DEFAULT : ADDRESSED;
        slot.address = blockSetAddress ? 0 : slot.id;
        memory.write(output, input, CONTEXT_SIZE, 2 * CONTEXT_SIZE); // slot and EP0 contexts as given
        startEndpoint(slot, slot.endpoint(1), input, 2 * CONTEXT_SIZE);
        slot.writeSlotState(memory);
        return SUCCESS;
    }

    private int configureEndpoint(XhciTrb trb, XhciSlot slot) {
        if (slot.state != ADDRESSED && slot.state != CONFIGURED) {
            return CONTEXT_STATE_ERROR;
        }
        if (trb.has(XhciTrb.DECONFIGURE)) {
            disableEndpoints(slot);
            slot.state = ADDRESSED;
            slot.writeSlotState(memory);
            return SUCCESS;
        }
        byte[] input = readInput(trb.parameter(), 33);
        if (input == null) {
            return PARAMETER_ERROR;
        }
        int drop = Bytes.le32(input, 0);
        int add = Bytes.le32(input, 4);
        if ((drop & 0x3) != 0) {
            return PARAMETER_ERROR; // D0 and D1 are reserved: the slot and endpoint 0 cannot be dropped
        }
        for (int dci = 2; dci < 32; dci++) {
            if ((add & 1 << dci) != 0) {
                int problem = checkEndpoint(input, (dci + 1) * CONTEXT_SIZE, dci);
                if (problem != SUCCESS) {
                    return problem; // nothing changed: the command is all or nothing
                }
            }
        }
        for (int dci = 2; dci < 32; dci++) {
            XhciSlot.Endpoint ep = slot.endpoint(dci);
            if ((drop & 1 << dci) != 0 || (add & 1 << dci) != 0) {
                hc.stopRuns(ep);
                ep.state = EP_DISABLED;
                ep.ring = null;
                ep.nakked = false;
                writeEndpointContext(slot, dci, new byte[CONTEXT_SIZE], 0);
            }
            if ((add & 1 << dci) != 0) {
                writeEndpointContext(slot, dci, input, (dci + 1) * CONTEXT_SIZE);
                startEndpoint(slot, ep, input, (dci + 1) * CONTEXT_SIZE);
            }
        }
        if ((add & 1) != 0) {
            copySlotFields(slot, input);
        }
        slot.state = slot.lastEnabled() > 1 ? CONFIGURED : ADDRESSED;
        slot.writeSlotState(memory);
        return SUCCESS;
    }

    private int evaluateContext(XhciTrb trb, XhciSlot slot) {
        if (slot.state == ENABLED) {
            return CONTEXT_STATE_ERROR;
        }
        byte[] input = readInput(trb.parameter(), 3);
        if (input == null) {
            return PARAMETER_ERROR;
        }
        int add = Bytes.le32(input, 4);
        if ((add & 0x2) != 0) {
            int maxPacket = Bytes.le16(input, 2 * CONTEXT_SIZE + 6);
            if (maxPacket == 0) {
                return PARAMETER_ERROR;
            }
            slot.endpoint(1).maxPacket = maxPacket;
            byte[] mps = new byte[2];
            Bytes.put16(mps, 0, maxPacket);
            memory.write(slot.outputContext + CONTEXT_SIZE + 6, mps, 0, 2);
        }
        if ((add & 0x1) != 0) {
            copySlotFields(slot, input);
        }
        return SUCCESS;
    }

    /** The evaluable slot fields: Hub, MTT and Number of Ports, Max Exit Latency, Interrupter Target and TT. */
    private void copySlotFields(XhciSlot slot, byte[] input) {
        byte[] ctx = new byte[CONTEXT_SIZE];
        if (!memory.read(slot.outputContext, ctx, 0, CONTEXT_SIZE)) {
            return;
        }
        int hubBits = 0x3 << 25;
        Bytes.put32(ctx, 0, Bytes.le32(ctx, 0) & ~hubBits | Bytes.le32(input, CONTEXT_SIZE) & hubBits);
        Bytes.put32(ctx, 4, Bytes.le32(input, CONTEXT_SIZE + 4) & 0xff00ffff | Bytes.le32(ctx, 4) & 0x00ff0000);
        Bytes.put32(ctx, 8, Bytes.le32(input, CONTEXT_SIZE + 8));
        memory.write(slot.outputContext, ctx, 0, CONTEXT_SIZE);
    }

    private int resetEndpoint(XhciTrb trb, XhciSlot slot) {
        XhciSlot.Endpoint ep = slot.endpoint(trb.endpointId());
        if (ep == null || ep.state == EP_DISABLED) {
            return ENDPOINT_NOT_ENABLED;
        }
        if (ep.state != EP_HALTED) {
            return CONTEXT_STATE_ERROR;
        }
        ep.state = EP_STOPPED;
        ep.nakked = false;
        slot.writeEndpointState(memory, ep);
        return SUCCESS;
    }

    private int stopEndpoint(XhciTrb trb, XhciSlot slot) {
        XhciSlot.Endpoint ep = slot.endpoint(trb.endpointId());
        if (ep == null || ep.state == EP_DISABLED) {
            return ENDPOINT_NOT_ENABLED;
        }
        if (ep.state != EP_RUNNING) {
            return CONTEXT_STATE_ERROR;
        }
        hc.stopEndpoint(slot, ep);
        return SUCCESS;
    }

    private int setDequeue(XhciTrb trb, XhciSlot slot) {
        XhciSlot.Endpoint ep = slot.endpoint(trb.endpointId());
        if (ep == null || ep.state == EP_DISABLED) {
            return ENDPOINT_NOT_ENABLED;
        }
        if (ep.state != EP_STOPPED && ep.state != XhciSlot.EP_ERROR) {
            return CONTEXT_STATE_ERROR;
        }
        long pointer = trb.parameter();
        if ((pointer & ~0xfL) == 0) {
            return PARAMETER_ERROR;
        }
        ep.ring.set(pointer, (pointer & 1) != 0);
        ep.nakked = false;
        slot.writeEndpointState(memory, ep);
        return SUCCESS;
    }

    private int resetDevice(XhciSlot slot) {
        if (slot.state != ADDRESSED && slot.state != CONFIGURED) {
            return CONTEXT_STATE_ERROR;
        }
        disableEndpoints(slot);
        slot.state = DEFAULT;
        slot.address = 0;
        slot.writeSlotState(memory);
        return SUCCESS;
    }

    /** Every endpoint but EP0 disabled, in the output context too, and their scheduled runs cancelled. */
    private void disableEndpoints(XhciSlot slot) {
        for (int dci = 2; dci < 32; dci++) {
            hc.stopRuns(slot.endpoint(dci));
        }
        slot.disableEndpoints(2);
        for (int dci = 2; dci < 32; dci++) {
            slot.writeEndpointState(memory, slot.endpoint(dci));
        }
    }

    /**
     * Whether an input endpoint context can be used: an endpoint type, for DCI 1 the control type and for others
     * not, a max packet size, and a transfer ring pointer.
     */
    private static int checkEndpoint(byte[] input, int at, int dci) {
        int type = Bytes.le32(input, at + 4) >>> 3 & 0x7;
        int maxPacket = Bytes.le16(input, at + 6);
        long dequeue = Bytes.le64(input, at + 8) & ~0xfL;
        boolean control = type == XhciSlot.EP_TYPE_CONTROL;
        if (type == 0 || control != (dci == 1) || maxPacket == 0 || dequeue == 0) {
            return PARAMETER_ERROR;
        }
        if (dci > 1 && control) {
            return PARAMETER_ERROR;
        }
        boolean inType = type >= 5;
        return dci == 1 || inType == ((dci & 1) == 1) ? SUCCESS : PARAMETER_ERROR;
    }

    private void startEndpoint(XhciSlot slot, XhciSlot.Endpoint ep, byte[] input, int at) {
        long dequeue = Bytes.le64(input, at + 8);
        ep.type = Bytes.le32(input, at + 4) >>> 3 & 0x7;
        ep.maxPacket = Bytes.le16(input, at + 6);
        ep.ring = new XhciRing(dequeue, (dequeue & 1) != 0);
        ep.state = EP_RUNNING;
        ep.nakked = false;
        ep.epoch++;
        slot.writeEndpointState(memory, ep);
    }

    private void writeEndpointContext(XhciSlot slot, int dci, byte[] from, int at) {
        memory.write(slot.outputContext + (long) CONTEXT_SIZE * dci, from, at, CONTEXT_SIZE);
    }

    /** The first {@code contexts} contexts of an input context (the control context, the slot, endpoints). */
    private byte[] readInput(long address, int contexts) {
        byte[] input = new byte[contexts * CONTEXT_SIZE];
        if ((address & 0xf) != 0 || !memory.read(address & ~0xfL, input, 0, input.length)) {
            return null;
        }
        return input;
    }
}
