package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsReplies;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.FsStats;
import org.microsim.abi.fs.FsType;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.hosttools.HostTools;
import org.microsim.testkit.task.MemoryDisk;

/** The protocol served over a real volume, leases as byte arrays. */
class FatServerTest {
    @TempDir
    Path dir;

    FatServer server() throws Exception {
        HostTools.require("mkfs.fat");
        Path img = Tools.mkfs(dir, "s.img", 16, 2, 16384);
        return new FatServer(FatVolume.mount(MemoryDisk.of(Files.readAllBytes(img), 512),
                new FatClock(() -> 0L)));
    }

    /** Serves {@code request} and decodes the OK reply as a client would; a failure is the FsException. */
    static <T> T call(FatServer s, FsRequest<T> request, LeaseAccess lease) throws Exception {
        return request.decodeReply(s.handle(request, lease));
    }

    static FsError err(FatServer s, FsRequest<?> request, LeaseAccess lease) {
        return assertThrows(FsException.class, () -> s.handle(request, lease)).error();
    }

    @Test
    void servesAFileLifecycle() throws Exception {
        FatServer s = server();
        call(s, new FsRequest.Mkdir("/docs"), ArrayLease.NONE);
        int fh = call(s, new FsRequest.Open("/docs/Notes about things.txt",
                OpenFlags.READ | OpenFlags.WRITE | OpenFlags.CREATE), ArrayLease.NONE).fh();
        byte[] text = "hello, filesystem".getBytes();
        assertEquals(text.length, call(s, new FsRequest.Write(fh, 0, text.length),
                new ArrayLease(text, true, false)).bytes());
        byte[] back = new byte[100];
        assertEquals(text.length, call(s, new FsRequest.Read(fh, 0, 100), new ArrayLease(back, false, true)).bytes());
        assertArrayEquals(text, Arrays.copyOf(back, text.length));
        call(s, new FsRequest.Truncate(fh, 5), ArrayLease.NONE);
        FileStat st = call(s, new FsRequest.Stat("/DOCS/notes ABOUT things.txt"), ArrayLease.NONE);
        assertEquals(new FileStat("Notes about things.txt", 5, false, FileStat.ARCHIVE, st.modified()), st);
        call(s, new FsRequest.Close(fh), ArrayLease.NONE);
        assertEquals(FsError.BAD_HANDLE, err(s, new FsRequest.Close(fh), ArrayLease.NONE));
        call(s, new FsRequest.Rename("/docs/Notes about things.txt", "/n.txt"), ArrayLease.NONE);
        call(s, new FsRequest.Unlink("/n.txt"), ArrayLease.NONE);
        call(s, new FsRequest.Rmdir("/docs"), ArrayLease.NONE);
        call(s, new FsRequest.Sync(), ArrayLease.NONE);
        FsStats stats = call(s, new FsRequest.StatFs(), ArrayLease.NONE);
        assertEquals(FsType.FAT16, stats.type());
        assertEquals(1024, stats.clusterSize());
        assertEquals("TESTVOL", stats.label());
    }

    @Test
    void largeTransfersCrossTheChunkSize() throws Exception {
        FatServer s = server();
        int fh = call(s, new FsRequest.Open("/big", OpenFlags.READ | OpenFlags.WRITE | OpenFlags.CREATE),
                ArrayLease.NONE).fh();
        byte[] content = Images.bytes(new Random(5), FatServer.CHUNK + 12345);
        assertEquals(content.length, call(s, new FsRequest.Write(fh, 100, content.length),
                new ArrayLease(content, true, false)).bytes());
        byte[] back = new byte[content.length + 500];
        assertEquals(content.length, call(s, new FsRequest.Read(fh, 100, back.length),
                new ArrayLease(back, false, true)).bytes());
        assertArrayEquals(content, Arrays.copyOf(back, content.length));
    }

    @Test
    void readDirPagesThroughSmallLeases() throws Exception {
        FatServer s = server();
        for (int k = 0; k < 40; k++) {
            call(s, new FsRequest.Open("/entry number " + k, OpenFlags.WRITE | OpenFlags.CREATE), ArrayLease.NONE);
        }
        List<String> names = new ArrayList<>();
        int start = 0;
        boolean more = true;
        while (more) {
            byte[] lease = new byte[200];
            FsReplies.DirPage page = call(s, new FsRequest.ReadDir("/", start), new ArrayLease(lease, false, true));
            assertTrue(page.count() > 0);
            FsReplies.entries(lease, page).forEach(e -> names.add(e.name()));
            start += page.count();
            more = page.more();
        }
        assertEquals(40, names.size());
        assertEquals("entry number 39", names.get(39));
        assertEquals(FsError.INVALID_REQUEST, err(s, new FsRequest.ReadDir("/", 0),
                new ArrayLease(new byte[10], false, true)));
        assertEquals(FsError.INVALID_REQUEST, err(s, new FsRequest.ReadDir("/", 41),
                new ArrayLease(new byte[1000], false, true)));
    }

    @Test
    void badRequestsFailWithTheirErrors() throws Exception {
        // Requests that do not decode never reach the server: the runtime answers them (FatfsdTest).
        FatServer s = server();
        int fh = call(s, new FsRequest.Open("/f", OpenFlags.READ | OpenFlags.WRITE | OpenFlags.CREATE),
                ArrayLease.NONE).fh();
        assertEquals(FsError.INVALID_REQUEST, err(s, new FsRequest.Write(fh, 0, 10), ArrayLease.NONE));
        assertEquals(FsError.INVALID_REQUEST, err(s, new FsRequest.Write(fh, 0, 10),
                new ArrayLease(new byte[10], false, true)));
        assertEquals(FsError.INVALID_REQUEST, err(s, new FsRequest.Read(fh, 0, -1),
                new ArrayLease(new byte[10], false, true)));
        assertEquals(FsError.NOT_FOUND, err(s, new FsRequest.Stat("/nope"), ArrayLease.NONE));
        assertEquals(FsError.BAD_HANDLE, err(s, new FsRequest.Read(12345, 0, 1),
                new ArrayLease(new byte[1], false, true)));
        assertTrue(call(s, new FsRequest.Stat("/"), ArrayLease.NONE).directory());
    }
}
