package org.microsim.kernel.machine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The standard descriptors of USB 2.0 chapter 9 (9.6), built as bytes: device, device qualifier, configuration
 * (with its interfaces and endpoints after it), other speed configuration, string: what the stick and the hub
 * answer GET_DESCRIPTOR with, and the shape every standard request must have, which both check the same way.
 */
final class UsbDescriptors {
    static final int DEVICE = 1;
    static final int CONFIGURATION = 2;
    static final int STRING = 3;
    static final int INTERFACE = 4;
    static final int ENDPOINT = 5;
    static final int DEVICE_QUALIFIER = 6;
    static final int OTHER_SPEED_CONFIGURATION = 7;

    // Standard requests (9.4).
    static final int GET_STATUS = 0;
    static final int CLEAR_FEATURE = 1;
    static final int SET_FEATURE = 3;
    static final int SET_ADDRESS = 5;
    static final int GET_DESCRIPTOR = 6;
    static final int GET_CONFIGURATION = 8;
    static final int SET_CONFIGURATION = 9;
    static final int GET_INTERFACE = 10;
    static final int SET_INTERFACE = 11;
    static final int ENDPOINT_HALT = 0;

    private UsbDescriptors() {
    }

    /** The 18-byte device descriptor: USB 2.0, class in the interfaces unless given, one configuration. */
    static byte[] device(int deviceClass, int protocol, int maxPacket0, int vendor, int product, int release) {
        byte[] d = new byte[18];
        d[0] = 18;
        d[1] = DEVICE;
        Bytes.put16(d, 2, 0x0200);
        d[4] = (byte) deviceClass;
        d[6] = (byte) protocol;
        d[7] = (byte) maxPacket0;
        Bytes.put16(d, 8, vendor);
        Bytes.put16(d, 10, product);
        Bytes.put16(d, 12, release);
        d[14] = 1; // iManufacturer
        d[15] = 2; // iProduct
        d[16] = 3; // iSerialNumber
        d[17] = 1; // bNumConfigurations
        return d;
    }

    /**
     * The device qualifier a high-speed device has (9.6.2): how it would look at full speed, the other speed. Only
     * the protocol can differ (a hub's is 1, single TT, at high speed and 0 at full speed, 11.23.1).
     */
    static byte[] qualifier(byte[] device, int fullSpeedProtocol) {
        byte[] q = new byte[10];
        q[0] = 10;
        q[1] = DEVICE_QUALIFIER;
        System.arraycopy(device, 2, q, 2, 6); // bcdUSB, class, subclass, protocol, bMaxPacketSize0
        q[6] = (byte) fullSpeedProtocol;
        q[8] = 1;
        return q;
    }

    /** A configuration descriptor (value 1, self-powered) followed by {@code rest}: interfaces and endpoints. */
    static byte[] configuration(int type, int interfaces, byte[]... rest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] c = new byte[9];
        c[0] = 9;
        c[1] = (byte) type;
        c[4] = (byte) interfaces;
        c[5] = 1; // bConfigurationValue
        c[7] = (byte) 0xc0; // self-powered
        c[8] = 50; // 100 mA
        out.writeBytes(c);
        for (byte[] part : rest) {
            out.writeBytes(part);
        }
        byte[] all = out.toByteArray();
        Bytes.put16(all, 2, all.length);
        return all;
    }

    static byte[] iface(int endpoints, int interfaceClass, int subclass, int protocol) {
        return new byte[] {9, INTERFACE, 0, 0, (byte) endpoints, (byte) interfaceClass, (byte) subclass,
                (byte) protocol, 0};
    }

    /** An endpoint: address (bit 7 IN), attributes (2 bulk, 3 interrupt), max packet, interval. */
    static byte[] endpoint(int address, int attributes, int maxPacket, int interval) {
        byte[] e = {7, ENDPOINT, (byte) address, (byte) attributes, 0, 0, (byte) interval};
        Bytes.put16(e, 4, maxPacket);
        return e;
    }

    /** String descriptor 0 (US English), or a UTF-16LE string. */
    static byte[] string(String text) {
        byte[] utf16 = text.getBytes(StandardCharsets.UTF_16LE);
        byte[] s = new byte[2 + utf16.length];
        s[0] = (byte) s.length;
        s[1] = STRING;
        System.arraycopy(utf16, 0, s, 2, utf16.length);
        return s;
    }

    static byte[] languages() {
        return new byte[] {4, STRING, 0x09, 0x04};
    }

    /**
     * Whether a standard request has the direction, recipient and length 9.4 gives it. A device answers a request
     * that does not with a Request Error (STALL, 9.2.7), and one it does not know (SET_DESCRIPTOR, SYNCH_FRAME
     * here) the same way.
     */
    static boolean wellFormed(UsbDevice.Setup s) {
        boolean in = s.in();
        int to = s.recipient();
        return switch (s.request()) {
            case GET_STATUS -> in && to <= 2 && s.value() == 0;
            case CLEAR_FEATURE, SET_FEATURE -> !in && to <= 2 && s.length() == 0;
            case SET_ADDRESS, SET_CONFIGURATION -> !in && to == 0 && s.length() == 0;
            case GET_DESCRIPTOR, GET_CONFIGURATION -> in && to == 0;
            case GET_INTERFACE -> in && to == 1;
            case SET_INTERFACE -> !in && to == 1 && s.length() == 0;
            default -> false;
        };
    }

    /**
     * What a device answers GET_DESCRIPTOR with (9.4.3): its device descriptor and qualifier, its configuration at
     * the speed it runs (high) and at the other one (full: 64-byte bulk packets, intervals in frames), and its
     * strings, index 0 the languages then manufacturer, product, serial.
     */
    record Descriptors(byte[] device, byte[] qualifier, byte[] configuration, byte[] otherSpeed,
                       List<String> strings) {
        /** The descriptor asked for, at most wLength of it, or STALL when there is none such. */
        UsbDevice.ControlReply reply(UsbDevice.Setup setup) {
            byte[] d = find(setup.value() >>> 8, setup.value() & 0xff);
            return d == null ? UsbDevice.ControlReply.STALL : UsbDevice.ControlReply.in(d, setup.length());
        }

        private byte[] find(int type, int index) {
            return switch (type) {
                case DEVICE -> index == 0 ? device : null;
                case DEVICE_QUALIFIER -> index == 0 ? qualifier : null;
                case CONFIGURATION -> index == 0 ? configuration : null;
                case OTHER_SPEED_CONFIGURATION -> index == 0 ? otherSpeed : null;
                case STRING -> index == 0 ? languages() : index <= strings.size() ? string(strings.get(index - 1))
                        : null;
                default -> null;
            };
        }
    }
}
