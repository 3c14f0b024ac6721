package org.microsim.abi.devd;

import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * {@link MsgIds#SERVICE_NOTIFY_DRIVER_GONE}: a driver port a service was told of with msg 100 is gone for good,
 * because its device was unplugged (a stick pulled out), so the service lets go of it now rather than when it
 * next calls it. Bytes 0..8 are the port's id as a little-endian u64; no handles. A driver that is only
 * restarting is not gone: its port comes back with a new msg 100.
 */
public record DriverGone(long portId) {
    public static final int SIZE = 8;

    public Message toMessage() {
        return Message.of(MsgIds.SERVICE_NOTIFY_DRIVER_GONE, new WireWriter().i64(portId).toByteArray());
    }

    /**
     * Decodes a received notification.
     *
     * @throws MalformedException for another msg id, a payload that is not 8 bytes, or handles
     */
    public static DriverGone decode(Message message) throws MalformedException {
        if (message.msgId() != MsgIds.SERVICE_NOTIFY_DRIVER_GONE) {
            throw new MalformedException("driver-gone notification has msg id " + message.msgId() + ", expected "
                    + MsgIds.SERVICE_NOTIFY_DRIVER_GONE);
        }
        if (message.size() != SIZE || !message.handles().isEmpty()) {
            throw new MalformedException("driver-gone notification must be " + SIZE + " bytes and no handles, got "
                    + message.size() + " bytes and " + message.handles().size() + " handles");
        }
        return new DriverGone(message.reader().i64("port id"));
    }
}
