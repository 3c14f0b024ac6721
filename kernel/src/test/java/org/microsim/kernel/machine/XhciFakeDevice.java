package org.microsim.kernel.machine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted USB device for the model's tests: it answers GET_DESCRIPTOR(device) with 18 bytes and every other
 * control request with success, keeps what reaches its OUT endpoints, hands out queued IN packets (NAK when none
 * is queued), and stalls whichever endpoint a test tells it to.
 */
final class XhciFakeDevice implements UsbDevice {
    private final Speed speed;
    /** OUT transfers as they came: endpoint and bytes. */
    final List<byte[]> received = new ArrayList<>();
    /** IN packets to hand out, in order. */
    final ArrayDeque<byte[]> toSend = new ArrayDeque<>();
    boolean stallIn;
    boolean stallOut;
    int busResets;
    int inRequests;

    XhciFakeDevice(Speed speed) {
        this.speed = speed;
    }

    @Override
    public Identity identity() {
        return new Identity(0x1234, 0x5678, 0, 0xff, "fake");
    }

    @Override
    public Speed speed() {
        return speed;
    }

    @Override
    public ControlReply control(Setup setup, byte[] dataOut) {
        if (setup.request() == 6 && setup.value() == 0x0100) {
            byte[] descriptor = new byte[18];
            descriptor[0] = 18;
            descriptor[1] = 1;
            Bytes.put16(descriptor, 8, 0x1234);
            return ControlReply.in(descriptor, setup.length());
        }
        return ControlReply.DONE;
    }

    @Override
    public Handshake out(int endpoint, byte[] data) {
        if (stallOut) {
            return Handshake.STALL;
        }
        received.add(data.clone());
        return Handshake.ACK;
    }

    @Override
    public InPacket in(int endpoint, int maxLength) {
        inRequests++;
        if (stallIn) {
            return InPacket.STALL;
        }
        byte[] next = toSend.poll();
        return next == null ? InPacket.NAK : InPacket.ack(next.length > maxLength
                ? java.util.Arrays.copyOf(next, maxLength) : next);
    }

    @Override
    public void busReset() {
        busResets++;
    }
}
