package org.microsim.abi.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

class VfsRequestTest {
    @Test
    void requestsAndEntriesRoundTrip() throws Exception {
        for (VfsRequest r : List.of(new VfsRequest.Mounts(3), new VfsRequest.StatFsAt("/vol/disk0p1"),
                new VfsRequest.Devices(0))) {
            assertEquals(r, VfsRequest.decode(r.toMessage()));
        }
        MountEntry m = new MountEntry("/vol/disk0p1", "fat32", "disk0p1");
        WireWriter w = new WireWriter();
        m.write(w);
        assertEquals(m, MountEntry.read(new WireReader(w.toByteArray())));
        DeviceEntry d = new DeviceEntry("disk0p1", "disk0", 0x0c, 512, 1000, true);
        w = new WireWriter();
        d.write(w);
        assertEquals(d, DeviceEntry.read(new WireReader(w.toByteArray())));
        assertEquals(512_000, d.size());
    }

    @Test
    void decodingIsStrict() {
        for (Message bad : List.of(Message.of(VfsRequest.MOUNTS), Message.of(VfsRequest.MOUNTS, new byte[3]),
                Message.of(VfsRequest.STATFS_AT, new byte[] {4, 0, 'a'}), Message.of(VfsRequest.DEVICES, new byte[1]),
                Message.of(FsRequest.STAT, new byte[1]), Message.of(VfsRequest.DEVICES + 1))) {
            assertThrows(MalformedException.class, () -> VfsRequest.decode(bad), bad.toString());
        }
        byte[] zeroBlocks = new WireWriter().string("d").string("").u16(0).u32(0).i64(1).u8(0).toByteArray();
        assertThrows(MalformedException.class, () -> DeviceEntry.read(new WireReader(zeroBlocks)));
    }
}
