package org.microsim.abi;

import java.util.List;

/**
 * What a task sends: a msg id, inline little-endian bytes (at most {@link #MAX_INLINE}), handles to transfer
 * (at most {@link #MAX_HANDLES}) and optionally a lease for bulk data. Immutable: the bytes are copied in and
 * out, so no two tasks ever share a mutable object through a message.
 */
public record Message(int msgId, byte[] data, List<Handle> handles, Lease lease) {
    public static final int MAX_INLINE = 1024;
    public static final int MAX_HANDLES = 8;

    public Message {
        data = data == null ? new byte[0] : data.clone();
        handles = handles == null ? List.of() : List.copyOf(handles);
    }

    public static Message of(int msgId) {
        return new Message(msgId, null, null, null);
    }

    public static Message of(int msgId, byte[] data) {
        return new Message(msgId, data, null, null);
    }

    public static Message of(int msgId, byte[] data, Handle... handles) {
        return new Message(msgId, data, List.of(handles), null);
    }

    public Message withLease(Lease newLease) {
        return new Message(msgId, data, handles, newLease);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** A reader over the inline bytes. */
    public WireReader reader() {
        return new WireReader(data);
    }

    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && msgId == m.msgId && java.util.Arrays.equals(data, m.data)
                && handles.equals(m.handles) && java.util.Objects.equals(lease, m.lease);
    }

    @Override
    public int hashCode() {
        return msgId * 31 + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Message[id=" + msgId + ", " + data.length + " bytes, handles=" + handles
                + (lease == null ? "" : ", lease=" + lease.size()) + "]";
    }
}
