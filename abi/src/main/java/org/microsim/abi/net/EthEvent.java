package org.microsim.abi.net;

import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * What an Ethernet driver sends (a message, never a call: the driver does not wait for anybody) to the event
 * port a client gave it with SUBSCRIBE: frames are waiting, or the link changed. Inline, 6 bytes: the client's
 * token u32 (so one port can take the events of several interfaces), flags u8 ({@link #FRAMES}, {@link #LINK}),
 * link u8 (1 up, 0 down).
 *
 * <p>Events are hints that coalesce: the driver sends a FRAMES event when a client's queue goes from empty to
 * not empty, and none after until the client has drained it with RECEIVE. A client's port that is full loses the
 * event, not the frames: the driver tries again with the next frame.
 */
public record EthEvent(int token, boolean frames, boolean link, boolean linkUp) {
    public static final int MSG_ID = EthRequest.EVENT;
    public static final int SIZE = 6;
    public static final int FRAMES = 1;
    public static final int LINK = 2;

    /** The message. */
    public Message toMessage() {
        return Message.of(MSG_ID, new WireWriter().i32(token).u8((frames ? FRAMES : 0) | (link ? LINK : 0))
                .u8(linkUp ? 1 : 0).toByteArray());
    }

    /**
     * Decodes an event.
     *
     * @throws MalformedException for another msg id, a wrong length, unknown flags or handles
     */
    public static EthEvent decode(Message message) throws MalformedException {
        if (message.msgId() != MSG_ID) {
            throw new MalformedException("Ethernet event has msg id " + message.msgId() + ", expected " + MSG_ID);
        }
        if (!message.handles().isEmpty()) {
            throw new MalformedException("Ethernet event carries no handles");
        }
        WireReader r = message.reader();
        int token = r.i32("token");
        int flags = r.u8("flags");
        int up = r.u8("link");
        r.end("Ethernet event");
        if ((flags & ~(FRAMES | LINK)) != 0 || up > 1) {
            throw new MalformedException("Ethernet event with flags " + flags + " and link " + up);
        }
        return new EthEvent(token, (flags & FRAMES) != 0, (flags & LINK) != 0, up == 1);
    }
}
