package org.microsim.kernel.machine;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The USB traffic of the xHCI controller as a pcap file in Linux usbmon's format (LINKTYPE_USB_LINUX_MMAPPED,
 * 220), which Wireshark and tshark decode down to the descriptors, the bulk-only transport's CBW and CSW and the
 * SCSI commands inside them. Timestamps are the machine's virtual time, so a run's capture is the same every time
 * its seed is.
 *
 * <pre>
 *   pcap header (nanosecond magic a1b23c4d, linktype 220)
 *   per transfer: 'S' submit, 64-byte usbmon header [+ setup, + OUT data]  at (completion - latency)
 *                 'C' complete, 64-byte usbmon header [+ IN data]          at completion, with its status
 * </pre>
 *
 * A transfer is one TD: the model runs a TD as one step, so its submit is stamped one transfer latency before its
 * completion. Write failures end the capture with a message on the machine's standard error, never the machine.
 */
final class UsbCapture implements Closeable {
    static final int LINKTYPE_USB_LINUX_MMAPPED = 220;
    static final int HEADER = 64;
    static final int CONTROL = 2;
    static final int BULK = 3;
    static final int INTERRUPT = 1;
    /** usbmon statuses: -EINPROGRESS on a submit, -EPIPE for a stall, -EPROTO for an error, -EREMOTEIO short. */
    static final int IN_PROGRESS = -115;
    static final int STALLED = -32;
    static final int PROTOCOL_ERROR = -71;

    private final Path path;
    private final OutputStream out;
    private long urbs;
    private boolean failed;

    private UsbCapture(Path path, OutputStream out) {
        this.path = path;
        this.out = out;
    }

    /** Creates (or replaces) the capture file and writes its header. */
    static UsbCapture create(Path path) throws MachineException {
        try {
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
            ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(0xa1b23c4d).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                    .putInt(HEADER + (1 << 20)).putInt(LINKTYPE_USB_LINUX_MMAPPED);
            out.write(header.array());
            return new UsbCapture(path, out);
        } catch (NoSuchFileException e) {
            throw new MachineException("USB capture " + path + ": no such directory");
        } catch (AccessDeniedException e) {
            throw new MachineException("USB capture " + path + ": permission denied");
        } catch (IOException e) {
            throw new MachineException("USB capture " + path + ": " + e.getMessage());
        }
    }

    /**
     * One transfer, as a submit and a completion.
     *
     * @param endpoint the endpoint number with bit 7 for IN
     * @param setup    the control transfer's setup packet, or null
     * @param out      what the host sent (empty for IN)
     * @param asked    how many bytes the host asked for or sent
     * @param in       what the device answered (empty for OUT)
     * @param status   0, or one of the usbmon error statuses
     */
    synchronized void transfer(long completedNanos, long latencyNanos, int address, int endpoint, int type,
                               UsbDevice.Setup setup, byte[] out, int asked, byte[] in, int status) {
        if (failed) {
            return;
        }
        long id = ++urbs;
        try {
            record(Math.max(0, completedNanos - latencyNanos), id, 'S', type, endpoint, address, setup, IN_PROGRESS,
                    asked, out);
            record(completedNanos, id, 'C', type, endpoint, address, null, status,
                    (endpoint & 0x80) != 0 ? in.length : status == 0 ? asked : 0, in);
        } catch (IOException e) {
            failed = true;
            System.err.println("sim: the USB capture " + path + " stopped: " + e.getMessage());
        }
    }

    private void record(long nanos, long id, char kind, int type, int endpoint, int address, UsbDevice.Setup setup,
                        int status, int length, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + HEADER).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) (nanos / 1_000_000_000L)).putInt((int) (nanos % 1_000_000_000L));
        b.putInt(HEADER + data.length).putInt(HEADER + data.length);
        b.putLong(id).put((byte) kind).put((byte) type).put((byte) endpoint).put((byte) address);
        b.putShort((short) 1); // bus 1
        b.put(setup == null ? (byte) '-' : 0); // flag_setup: 0 when a setup packet is there
        b.put(data.length > 0 ? 0 : (byte) ((endpoint & 0x80) != 0 ? '<' : '>')); // flag_data
        b.putLong(nanos / 1_000_000_000L).putInt((int) (nanos % 1_000_000_000L / 1000));
        b.putInt(status).putInt(length).putInt(data.length);
        if (setup != null) {
            b.put((byte) setup.requestType()).put((byte) setup.request()).putShort((short) setup.value())
                    .putShort((short) setup.index()).putShort((short) setup.length());
        } else {
            b.putLong(0);
        }
        b.putInt(0).putInt(0).putInt(0).putInt(0); // interval, start_frame, xfer_flags, ndesc
        out.write(b.array());
        out.write(data);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
