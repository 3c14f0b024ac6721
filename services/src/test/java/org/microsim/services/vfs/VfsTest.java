package org.microsim.services.vfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Lease;
import org.microsim.abi.Message;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Replies;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsReplies;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.abi.fs.VfsRequest;
import org.microsim.abi.shell.RunResult;
import org.microsim.abi.shell.ShellRequest;
import org.microsim.services.shell.Shell;
import org.microsim.testkit.task.BlockServer;
import org.microsim.testkit.task.KernelRig;
import org.microsim.testkit.task.MemoryDisk;

/** The VFS and the shell in a real kernel without devd: a test disk binds itself with a msg 100 notice. */
class VfsTest {
    private final byte[] disk = new byte[512 * 64];
    private KernelRig rig;

    @BeforeEach
    void boot() {
        new Random(1).nextBytes(disk);
        rig = KernelRig.builder(5).program("vfs", Vfs::new).program("shell", Shell::new)
                .program("disk", () -> new BlockServer("disk0", PortSubclass.BLOCK_RAW, MemoryDisk.of(disk, 512))
                        .announcedTo("vfs"))
                .boot("vfs").boot("shell").boot("disk").build();
    }

    @AfterEach
    void shutDown() {
        rig.close();
    }

    private Message call(Message m) {
        return rig.call("vfs", m);
    }

    private FsError error(Message reply) throws Exception {
        Replies.Failure f = Replies.failure(reply);
        return f == null ? null : FsError.fromCode(f.code());
    }

    private int open(String path, int flags) throws Exception {
        Message reply = call(new FsRequest.Open(path, flags).toMessage());
        assertNull(error(reply), reply.toString());
        return FsReplies.Opened.decode(reply).fh();
    }

    private List<FileStat> list(String path) throws Exception {
        byte[] lease = new byte[4096];
        Message reply = call(new FsRequest.ReadDir(path, 0).toMessage().withLease(Lease.writeOnly(lease)));
        assertNull(error(reply), reply.toString());
        return FsReplies.entries(lease, FsReplies.DirPage.decode(reply));
    }

    @Test
    void aDeviceIsReadAndWrittenByByteOffset() throws Exception {
        assertEquals(List.of("dev", "vol"), list("/").stream().map(FileStat::name).toList());
        assertEquals(List.of(new FileStat("disk0", disk.length, false, 0, 0)), list("/dev"));
        int fh = open("/dev/disk0", OpenFlags.READ | OpenFlags.WRITE);

        byte[] got = new byte[1000];
        Message read = call(new FsRequest.Read(fh, 3, 1000).toMessage().withLease(Lease.writeOnly(got)));
        assertEquals(1000, FsReplies.Transferred.decode(read).bytes());
        assertArrayEquals(Arrays.copyOfRange(disk, 3, 1003), got);

        byte[] patch = new byte[1500];
        new Random(2).nextBytes(patch);
        byte[] expected = disk.clone();
        System.arraycopy(patch, 0, expected, 700, patch.length);
        call(new FsRequest.Write(fh, 700, patch.length).toMessage().withLease(Lease.readOnly(patch)));
        assertArrayEquals(expected, disk);

        byte[] tail = new byte[2048];
        read = call(new FsRequest.Read(fh, disk.length - 100, 2048).toMessage().withLease(Lease.writeOnly(tail)));
        assertEquals(100, FsReplies.Transferred.decode(read).bytes());
        assertEquals(FsError.NO_SPACE, error(call(new FsRequest.Write(fh, disk.length - 10, 20).toMessage()
                .withLease(Lease.readOnly(new byte[20])))));
        assertEquals(FsError.EXISTS, error(call(new FsRequest.Open("/dev/disk0",
                OpenFlags.WRITE | OpenFlags.CREATE | OpenFlags.EXCLUSIVE).toMessage())));
    }

    @Test
    void badRequestsGetErrorsAndTheVfsKeepsServing() throws Exception {
        List<Message> bad = List.of(Message.of(FsRequest.OPEN, new byte[] {1}), Message.of(9999),
                Message.of(FsRequest.STAT, new byte[] {2, 0, (byte) 0xc3, 0x28}),
                new FsRequest.Read(77, 0, 10).toMessage().withLease(Lease.writeOnly(new byte[10])),
                new FsRequest.Read(1, 0, 10).toMessage(),
                new FsRequest.ReadDir("/", 0).toMessage(),
                new FsRequest.StatFs().toMessage(),
                new VfsRequest.StatFsAt("/dev").toMessage(),
                new FsRequest.Mkdir("/dev/x").toMessage(),
                new FsRequest.Rename("/vol/a/x", "/vol/b/x").toMessage(),
                new FsRequest.Open("/vol/none/x", OpenFlags.READ).toMessage(),
                new FsRequest.Open("/", OpenFlags.READ).toMessage());
        for (Message m : bad) {
            assertTrue(error(call(m)) != null, m.toString());
        }
        assertEquals(FsError.IS_A_DIRECTORY, error(call(new FsRequest.Open("/dev", OpenFlags.READ).toMessage())));
        assertEquals(FsError.NOT_FOUND, error(call(new FsRequest.Stat("/dev/nothing").toMessage())));
        assertEquals(1, list("/dev").size());
    }

    @Test
    void randomRequestsAlwaysGetAReplyAndChangeNothing() throws Exception {
        Random random = new Random(42);
        byte[] before = disk.clone();
        for (int i = 0; i < 400; i++) {
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            boolean shell = random.nextBoolean();
            int id = shell ? 698 + random.nextInt(8) : 498 + random.nextInt(28);
            Message m = Message.of(id, bytes);
            if (random.nextBoolean()) {
                m = m.withLease(new Lease.Buffer(new byte[64], 0, 64, random.nextBoolean(), random.nextBoolean()));
            }
            Message reply = rig.call(shell ? "shell" : "vfs", m);
            assertTrue(reply.msgId() == 0 || reply.msgId() == 1, reply.toString());
        }
        assertArrayEquals(before, disk);
        assertEquals(1, list("/dev").size());
    }

    @Test
    void aDeadDeviceIsDroppedAndItsHandlesFail() throws Exception {
        int fh = open("/dev/disk0", OpenFlags.READ);
        rig.kernel().kill(rig.task("disk"), true, "test").orThrow();
        rig.settle();
        Message read = call(new FsRequest.Read(fh, 0, 512).toMessage().withLease(Lease.writeOnly(new byte[512])));
        assertEquals(FsError.IO_ERROR, error(read));
        assertEquals(List.of(), list("/dev"));
    }

    @Test
    void theShellRunsCommandsOverTheVfs() throws Exception {
        byte[] out = new byte[4096];
        Message reply = rig.call("shell", new ShellRequest.Run(List.of("lsblk")).toMessage()
                .withLease(Lease.writeOnly(out)));
        RunResult r = RunResult.decode(reply);
        String text = new String(out, 0, r.written());
        assertTrue(r.success() && text.contains("disk0") && text.contains("32768"), text);

        reply = rig.call("shell", new ShellRequest.Run(List.of("hexdump", "/dev/disk0", "0x10", "4")).toMessage()
                .withLease(Lease.writeOnly(out)));
        r = RunResult.decode(reply);
        assertTrue(r.success());
        assertTrue(new String(out, 0, r.written()).startsWith(String.format("00000010  %02x %02x", disk[16], disk[17])));

        reply = rig.call("shell", new ShellRequest.Run(List.of("frobnicate")).toMessage()
                .withLease(Lease.writeOnly(out)));
        r = RunResult.decode(reply);
        assertTrue(!r.success() && new String(out, 0, r.written()).contains("unknown command"));

        reply = rig.call("shell", new ShellRequest.Run(List.of("ls", "/")).toMessage()
                .withLease(Lease.writeOnly(new byte[3])));
        r = RunResult.decode(reply);
        assertTrue(r.success() && r.written() == 3 && r.total() > 3, r.toString());
    }
}
