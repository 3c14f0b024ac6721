package org.microsim.abi.devd;

import org.microsim.abi.Handle;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * {@link MsgIds#SERVICE_NOTIFY_DRIVER_AVAILABLE}: a driver a service subscribed to is ready. Bytes 0..8 are
 * the driver port's id as a little-endian u64 (exactly 8 bytes); the message transfers exactly one handle,
 * a send handle to that port. The id tells the receiver which port it is; the handle is how it reaches it.
 */
public record DriverAvailable(long portId, Handle driver) {
    public static final int SIZE = 8;

    /** The message; the kernel moves {@code driver} into the receiver's handle table. */
    public Message toMessage() {
        return Message.of(MsgIds.SERVICE_NOTIFY_DRIVER_AVAILABLE, new WireWriter().i64(portId).toByteArray(), driver);
    }

    /**
     * Decodes a received notification.
     *
     * @throws MalformedException for another msg id, a payload that is not 8 bytes or not exactly one handle
     */
    public static DriverAvailable decode(Message message) throws MalformedException {
        if (message.msgId() != MsgIds.SERVICE_NOTIFY_DRIVER_AVAILABLE) {
            throw new MalformedException("driver-available notification has msg id " + message.msgId()
                    + ", expected " + MsgIds.SERVICE_NOTIFY_DRIVER_AVAILABLE);
        }
        if (message.size() != SIZE) {
            throw new MalformedException("driver-available notification must be " + SIZE + " bytes, got "
                    + message.size());
        }
        if (message.handles().size() != 1) {
            throw new MalformedException("driver-available notification must carry one handle, got "
                    + message.handles().size());
        }
        WireReader r = message.reader();
        return new DriverAvailable(r.i64("port id"), message.handles().getFirst());
    }
}
