package org.microsim.drivers.usbd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The byte orders of the structures usbd reads and writes: USB descriptors and the bulk-only wrappers are
 * little-endian, SCSI command blocks and their data big-endian.
 */
final class Fields {
    private Fields() {
    }

    static int le16(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(at) & 0xffff;
    }

    static int le32(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
    }

    static int be32(byte[] b, int at) {
        return ByteBuffer.wrap(b).getInt(at);
    }

    static void putLe32(byte[] b, int at, int v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
    }

    static void putBe32(byte[] b, int at, int v) {
        ByteBuffer.wrap(b).putInt(at, v);
    }
}
