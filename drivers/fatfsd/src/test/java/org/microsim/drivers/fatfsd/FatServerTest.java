package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.WireWriter;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsReplies;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.FsStats;
import org.microsim.abi.fs.FsType;
import org.microsim.abi.fs.OpenFlags;

/** The protocol served over a real volume, leases as byte arrays. */
class FatServerTest {
    @TempDir
    Path dir;

    FatServer server() throws Exception {
        Tools.assumeInstalled("mkfs.fat");
        Path img = Tools.mkfs(dir, "s.img", 16, 2, 16384);
        return new FatServer(FatVolume.mount(new MemoryDevice(Files.readAllBytes(img), 512),
                new FatClock(() -> 0L)));
    }

    static Message ok(Message reply) throws Exception {
        FsException f = FsReplies.failure(reply);
        if (f != null) {
            throw new AssertionError(f.error() + ": " + f.getMessage());
        }
        return reply;
    }

    static FsError err(Message reply) throws Exception {
        return FsReplies.failure(reply).error();
    }

    @Test
    void servesAFileLifecycle() throws Exception {
        FatServer s = server();
        ok(s.handle(new FsRequest.Mkdir("/docs").toMessage(), ArrayLease.NONE));
        int fh = FsReplies.Opened.decode(ok(s.handle(new FsRequest.Open("/docs/Notes about things.txt",
                OpenFlags.READ | OpenFlags.WRITE | OpenFlags.CREATE).toMessage(), ArrayLease.NONE)).data()).fh();
        byte[] text = "hello, filesystem".getBytes();
        Message w = s.handle(new FsRequest.Write(fh, 0, text.length).toMessage(), new ArrayLease(text, true, false));
        assertEquals(text.length, FsReplies.Transferred.decode(ok(w).data()).bytes());
        byte[] back = new byte[100];
        Message r = s.handle(new FsRequest.Read(fh, 0, 100).toMessage(), new ArrayLease(back, false, true));
        assertEquals(text.length, FsReplies.Transferred.decode(ok(r).data()).bytes());
        assertArrayEquals(text, Arrays.copyOf(back, text.length));
        ok(s.handle(new FsRequest.Truncate(fh, 5).toMessage(), ArrayLease.NONE));
        FileStat st = FileStat.read(ok(s.handle(new FsRequest.Stat("/DOCS/notes ABOUT things.txt").toMessage(),
                ArrayLease.NONE)).reader());
        assertEquals(new FileStat("Notes about things.txt", 5, false, FileStat.ARCHIVE, st.modified()), st);
        ok(s.handle(new FsRequest.Close(fh).toMessage(), ArrayLease.NONE));
        assertEquals(FsError.BAD_HANDLE, err(s.handle(new FsRequest.Close(fh).toMessage(), ArrayLease.NONE)));
        ok(s.handle(new FsRequest.Rename("/docs/Notes about things.txt", "/n.txt").toMessage(), ArrayLease.NONE));
        ok(s.handle(new FsRequest.Unlink("/n.txt").toMessage(), ArrayLease.NONE));
        ok(s.handle(new FsRequest.Rmdir("/docs").toMessage(), ArrayLease.NONE));
        ok(s.handle(new FsRequest.Sync().toMessage(), ArrayLease.NONE));
        FsStats stats = FsStats.decode(ok(s.handle(new FsRequest.StatFs().toMessage(), ArrayLease.NONE)).data());
        assertEquals(FsType.FAT16, stats.type());
        assertEquals(1024, stats.clusterSize());
        assertEquals("TESTVOL", stats.label());
    }

    @Test
    void largeTransfersCrossTheChunkSize() throws Exception {
        FatServer s = server();
        int fh = FsReplies.Opened.decode(ok(s.handle(new FsRequest.Open("/big", OpenFlags.READ | OpenFlags.WRITE
                | OpenFlags.CREATE).toMessage(), ArrayLease.NONE)).data()).fh();
        byte[] content = Images.bytes(new Random(5), FatServer.CHUNK + 12345);
        Message w = s.handle(new FsRequest.Write(fh, 100, content.length).toMessage(),
                new ArrayLease(content, true, false));
        assertEquals(content.length, FsReplies.Transferred.decode(ok(w).data()).bytes());
        byte[] back = new byte[content.length + 500];
        Message r = s.handle(new FsRequest.Read(fh, 100, back.length).toMessage(), new ArrayLease(back, false, true));
        assertEquals(content.length, FsReplies.Transferred.decode(ok(r).data()).bytes());
        assertArrayEquals(content, Arrays.copyOf(back, content.length));
    }

    @Test
    void readDirPagesThroughSmallLeases() throws Exception {
        FatServer s = server();
        for (int k = 0; k < 40; k++) {
            ok(s.handle(new FsRequest.Open("/entry number " + k, OpenFlags.WRITE | OpenFlags.CREATE).toMessage(),
                    ArrayLease.NONE));
        }
        List<String> names = new ArrayList<>();
        int start = 0;
        boolean more = true;
        while (more) {
            byte[] lease = new byte[200];
            Message reply = ok(s.handle(new FsRequest.ReadDir("/", start).toMessage(),
                    new ArrayLease(lease, false, true)));
            FsReplies.DirPage page = FsReplies.DirPage.decode(reply.data());
            assertTrue(page.count() > 0);
            FsReplies.entries(lease, page).forEach(e -> names.add(e.name()));
            start += page.count();
            more = page.more();
        }
        assertEquals(40, names.size());
        assertEquals("entry number 39", names.get(39));
        assertEquals(FsError.INVALID_REQUEST, err(s.handle(new FsRequest.ReadDir("/", 0).toMessage(),
                new ArrayLease(new byte[10], false, true))));
        assertEquals(FsError.INVALID_REQUEST, err(s.handle(new FsRequest.ReadDir("/", 41).toMessage(),
                new ArrayLease(new byte[1000], false, true))));
    }

    @Test
    void badRequestsGetErrorsNotExceptions() throws Exception {
        FatServer s = server();
        assertEquals(FsError.INVALID_REQUEST, err(s.handle(Message.of(MsgIds.FS_BASE + 77), ArrayLease.NONE)));
        assertEquals(FsError.INVALID_REQUEST, err(s.handle(Message.of(FsRequest.OPEN,
                new WireWriter().u16(1).u8(0xFF).u32(1).toByteArray()), ArrayLease.NONE)));
        assertEquals(FsError.INVALID_REQUEST, err(s.handle(Message.of(FsRequest.SYNC, new byte[1]),
                ArrayLease.NONE)));
        int fh = FsReplies.Opened.decode(ok(s.handle(new FsRequest.Open("/f", OpenFlags.READ | OpenFlags.WRITE
                | OpenFlags.CREATE).toMessage(), ArrayLease.NONE)).data()).fh();
        assertEquals(FsError.INVALID_REQUEST, err(s.handle(new FsRequest.Write(fh, 0, 10).toMessage(),
                ArrayLease.NONE)));
        assertEquals(FsError.INVALID_REQUEST, err(s.handle(new FsRequest.Write(fh, 0, 10).toMessage(),
                new ArrayLease(new byte[10], false, true))));
        assertEquals(FsError.INVALID_REQUEST, err(s.handle(new FsRequest.Read(fh, 0, -1).toMessage(),
                new ArrayLease(new byte[10], false, true))));
        assertEquals(FsError.NOT_FOUND, err(s.handle(new FsRequest.Stat("/nope").toMessage(), ArrayLease.NONE)));
        assertEquals(FsError.BAD_HANDLE, err(s.handle(new FsRequest.Read(12345, 0, 1).toMessage(),
                new ArrayLease(new byte[1], false, true))));
        assertNull(FsReplies.failure(s.handle(new FsRequest.Stat("/").toMessage(), ArrayLease.NONE)));
    }
}
