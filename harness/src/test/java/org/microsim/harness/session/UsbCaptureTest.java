package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.MachineOptions;
import org.microsim.hosttools.HostTools;

/**
 * {@code --usb-pcap}: the demo machine's USB traffic as usbmon records in a pcap file (LINKTYPE 220), stamped
 * with virtual time, the same bytes for the same seed, and decoded by tshark down to the SCSI commands.
 */
class UsbCaptureTest {
    @TempDir
    Path dir;

    private Path capture(String name) throws Exception {
        Path file = dir.resolve(name);
        try (ConsoleMachine m = ConsoleMachine.with(MachineOptions.defaults().withUsbPcap(Optional.of(file)))) {
            m.run("cat", "/vol/msc0:p1/STICK.TXT");
        }
        return file;
    }

    @Test
    void theCaptureIsUsbmonRecordsInVirtualTimeAndTheSameForTheSameSeed() throws Exception {
        byte[] first = Files.readAllBytes(capture("a.pcap"));
        ByteBuffer b = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b23c4d, b.getInt(0), "nanosecond pcap");
        assertEquals(220, b.getInt(20), "LINKTYPE_USB_LINUX_MMAPPED");
        int records = 0;
        int submits = 0;
        for (int at = 24; at < first.length; records++) {
            int length = b.getInt(at + 8);
            int kind = first[at + 16 + 8];
            submits += kind == 'S' ? 1 : 0;
            assertTrue(kind == 'S' || kind == 'C', "record " + records);
            assertEquals(length - 64, b.getInt(at + 16 + 36), "len_cap is what follows the header");
            at += 16 + length;
        }
        assertTrue(records > 40, records + " records");
        assertEquals(records, 2 * submits, "each transfer submitted and completed");
        assertArrayEquals(first, Files.readAllBytes(capture("b.pcap")), "same seed, same capture");
    }

    @Test
    void tsharkDecodesTheScsiCommandsInside() throws Exception {
        HostTools.require("tshark");
        Path file = capture("c.pcap");
        String out = HostTools.ok("tshark", "-r", file.toString(), "-Y", "scsi").out();
        assertTrue(out.contains("Inquiry") && out.contains("Read Capacity(10)") && out.contains("Read(10)"), out);
    }
}
