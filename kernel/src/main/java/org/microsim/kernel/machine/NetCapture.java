package org.microsim.kernel.machine;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Every frame on every LAN of a run as one pcapng file (draft-ietf-opsawg-pcapng), which Wireshark and tshark
 * read: one interface per station, named after it and its LAN ({@code lan1 m1/eth0}), with nanosecond timestamps
 * from the virtual clock, so the same seed writes the same file byte for byte. pcapng rather than one pcap per
 * LAN because a single file shows the whole run, and still tells the NICs apart by interface.
 *
 * <pre>
 *   Section Header Block (byte-order magic 1a2b3c4d, version 1.0)
 *   Interface Description Block per station, as it joins (LINKTYPE_ETHERNET, if_name, if_tsresol = 9)
 *   Enhanced Packet Block per frame a station sends: interface id, time in ns, the frame, padded to 4
 * </pre>
 *
 * A frame is captured once, where it enters the wire, before the LAN's faults: what the capture shows is what each
 * station sent. A write failure ends the capture with one message on standard error, never the run.
 */
public final class NetCapture implements Lan.Tap, Closeable {
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int SNAPLEN = 65535;

    private final Path path;
    private final OutputStream out;
    private final Map<String, Integer> interfaces = new HashMap<>();
    private boolean failed;

    private NetCapture(Path path, OutputStream out) {
        this.path = path;
        this.out = out;
    }

    /**
     * Creates (or replaces) the capture file and writes its section header.
     *
     * @throws MachineException naming the path and why when it cannot be written
     */
    public static NetCapture create(Path path) throws MachineException {
        try {
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
            ByteBuffer shb = block(0x0A0D0D0A, 16);
            shb.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1);
            out.write(finish(shb));
            return new NetCapture(path, out);
        } catch (NoSuchFileException e) {
            throw new MachineException("network capture " + path + ": no such directory");
        } catch (AccessDeniedException e) {
            throw new MachineException("network capture " + path + ": permission denied");
        } catch (IOException e) {
            throw new MachineException("network capture " + path + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized void joined(Lan lan, int index, String label) {
        String key = lan.name() + '\0' + index;
        if (interfaces.containsKey(key)) {
            return;
        }
        interfaces.put(key, interfaces.size());
        byte[] name = (lan.name() + " " + label).getBytes(StandardCharsets.UTF_8);
        int nameOption = 4 + pad(name.length);
        ByteBuffer idb = block(1, 8 + nameOption + 8 + 4);
        idb.putShort((short) LINKTYPE_ETHERNET).putShort((short) 0).putInt(SNAPLEN);
        idb.putShort((short) 2).putShort((short) name.length).put(name).put(new byte[pad(name.length) - name.length]);
        idb.putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3]);
        idb.putInt(0); // opt_endofopt
        write(finish(idb));
    }

    @Override
    public synchronized void frame(Lan lan, int index, long timeNanos, byte[] frame) {
        Integer id = interfaces.get(lan.name() + '\0' + index);
        if (id == null) {
            return;
        }
        ByteBuffer epb = block(6, 20 + pad(frame.length));
        epb.putInt(id).putInt((int) (timeNanos >>> 32)).putInt((int) timeNanos).putInt(frame.length)
                .putInt(frame.length).put(frame).put(new byte[pad(frame.length) - frame.length]);
        write(finish(epb));
    }

    /** A block of {@code body} bytes after its type and length; the caller fills the body. */
    private static ByteBuffer block(int type, int body) {
        ByteBuffer b = ByteBuffer.allocate(12 + body).order(ByteOrder.LITTLE_ENDIAN);
        return b.putInt(type).putInt(12 + body);
    }

    private static byte[] finish(ByteBuffer b) {
        b.putInt(b.capacity());
        return b.array();
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    private void write(byte[] bytes) {
        if (failed) {
            return;
        }
        try {
            out.write(bytes);
        } catch (IOException e) {
            failed = true;
            System.err.println("sim: network capture " + path + " stopped: " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
