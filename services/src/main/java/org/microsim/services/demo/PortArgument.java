package org.microsim.services.demo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The one argument of the echo servers: a port, as a little-endian u16; none means the service's own. */
public final class PortArgument {
    private PortArgument() {
    }

    /** The arguments that start a server on {@code port}. */
    public static byte[] of(int port) {
        return ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) port).array();
    }

    /** The port {@code args} name, or {@code otherwise} when they name none. */
    public static int from(byte[] args, int otherwise) {
        return args.length == 2 ? ByteBuffer.wrap(args).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff : otherwise;
    }
}
