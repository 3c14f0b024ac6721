package org.microsim.abi;

/**
 * A message as its receiver sees it: the sender as the kernel stamped it, the port it arrived on, the
 * message with its handles already moved into the receiver's table, the reply right when it was a call
 * (null for a plain send) and what lease came with it (null for none).
 */
public record Received(TaskId sender, Handle port, Message message, ReplyRight replyRight, LeaseInfo lease) {
    public int msgId() {
        return message.msgId();
    }

    public boolean isCall() {
        return replyRight != null;
    }
}
