package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.abi.Lease;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Replies;
import org.microsim.abi.TaskId;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.abi.shell.ShellRequest;
import org.microsim.drivers.fatfsd.Fatfsd;
import org.microsim.drivers.partd.Partd;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandException;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.harness.script.UsageException;
import org.microsim.hosttools.HostTools;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.TaskInfo;
import org.microsim.services.devd.DefaultRules;
import org.microsim.services.devd.DevdProgram;
import org.microsim.services.shell.Shell;
import org.microsim.services.svcman.ServiceManagerProgram;
import org.microsim.services.vfs.Vfs;
import org.microsim.testkit.task.BlockServer;
import org.microsim.testkit.task.KernelRig;
import org.microsim.testkit.task.MemoryDisk;

/**
 * The whole file path in a real kernel: a disk (a test block server over an image partitioned by sfdisk, made
 * by mkfs.fat, filled by mcopy), devd with its default rules starting partd and fatfsd, the VFS bound by
 * devd's notices, the shell, and the console's file commands calling the shell.
 */
class FileCommandsTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private final List<String> logs = new ArrayList<>();
    private byte[] image;
    private byte[] big;
    private Kernel kernel;
    private Map<String, Command> commands;

    private static String tool(String... command) throws IOException, InterruptedException {
        return HostTools.ok((Object[]) command).out();
    }

    private static void assumeTools() {
        HostTools.require("mkfs.fat", "sfdisk", "mcopy", "mmd", "mtype", "mdir");
    }

    /** A 12 MiB disk, one FAT16 partition (type 0x0e) from 1 MiB holding hello.txt, docs/ and big.bin. */
    private void makeImage() throws Exception {
        Path img = dir.resolve("disk.img");
        Files.write(img, new byte[12 * MIB]);
        Path script = dir.resolve("table");
        Files.writeString(script, "label: dos\nstart=2048, type=e\n");
        tool("sh", "-c", "sfdisk --no-reread " + img + " < " + script);
        tool("mkfs.fat", "-F", "16", "-n", "SIMVOL", "--offset", "2048", img.toString(), String.valueOf(11 * 1024));
        String part = img + "@@1M";
        Files.writeString(dir.resolve("hello.txt"), "hello, simulated world\n");
        big = new byte[150_000];
        new Random(7).nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
        tool("mcopy", "-i", part, dir.resolve("hello.txt").toString(), "::/hello.txt");
        tool("mmd", "-i", part, "::/docs");
        tool("mcopy", "-i", part, dir.resolve("big.bin").toString(), "::/docs/big.bin");
        image = Files.readAllBytes(img);
    }

    @AfterEach
    void shutDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private void boot() {
        ProgramCatalog programs = new ProgramCatalog()
                .add("svcman", "", () -> new ServiceManagerProgram(java.time.Duration.ofSeconds(5)))
                .add("devd", "", () -> new DevdProgram(DefaultRules.rules()))
                .add("partd", "", Partd::new)
                .add("fatfsd", "", Fatfsd::new)
                .add("vfs", "", Vfs::new)
                .add("shell", "", Shell::new)
                .add("disk", "", () -> new BlockServer("disk0", PortSubclass.BLOCK_RAW, MemoryDisk.of(image, 512)));
        kernel = Kernel.builder().seed(11).programs(programs).build();
        kernel.onLog(line -> logs.add(line.taskName() + ": " + line.text()));
        var devdTask = kernel.spawn("devd", "devd", new byte[0], true).orThrow();
        kernel.spawn("svcman", "svcman",
                org.microsim.services.svcman.ServiceManagerProgram.args(devdTask.index()), true).orThrow();
        kernel.spawn("vfs", "vfs", new byte[0], false).orThrow();
        kernel.spawn("shell", "shell", new byte[0], false).orThrow();
        kernel.spawn("disk", "disk", new byte[0], false).orThrow();
        kernel.settle();
        commands = FileCommands.of(() -> new ConsoleClient(kernel, "shell", T), dir, () -> { }).stream()
                .collect(Collectors.toMap(Command::name, Function.identity()));
    }

    private String sim(String line) throws CommandException {
        String[] words = line.split(" ");
        return commands.get(words[0]).run(List.of(words).subList(1, words.length));
    }

    @Test
    void filesAreListedReadWrittenAndMounted() throws Exception {
        assumeTools();
        makeImage();
        boot();
        assertEquals("/vol/disk0p1 fat16 disk0p1", sim("mounts"), logs.toString());
        String ls = sim("ls /vol/disk0p1");
        assertTrue(ls.contains("hello.txt") && ls.contains("docs/"), ls);
        assertEquals("hello, simulated world", sim("cat /vol/disk0p1/hello.txt"));
        assertTrue(sim("ls /").contains("dev/"));
        String lsblk = sim("lsblk");
        assertTrue(lsblk.contains("disk0p1") && lsblk.contains("fat16") && lsblk.contains("disk0 "), lsblk);
        assertTrue(sim("stat /vol/disk0p1/docs/big.bin").contains("size: 150000"));
        assertTrue(sim("df").contains("/vol/disk0p1"));

        sim("get /vol/disk0p1/docs/big.bin out.bin");
        assertArrayEquals(big, Files.readAllBytes(dir.resolve("out.bin")));

        // Over two 4 MiB pieces and a bit: get and put move a long file piece by piece.
        byte[] mine = new byte[9 * MIB + 1234];
        new Random(8).nextBytes(mine);
        Files.write(dir.resolve("mine.bin"), mine);
        sim("put mine.bin /vol/disk0p1/docs/mine.bin");
        sim("mkdir /vol/disk0p1/newdir");
        sim("mv /vol/disk0p1/docs/mine.bin /vol/disk0p1/newdir/moved.bin");
        sim("get /vol/disk0p1/newdir/moved.bin back.bin");
        assertArrayEquals(mine, Files.readAllBytes(dir.resolve("back.bin")));
        Files.write(dir.resolve("empty.bin"), new byte[0]);
        sim("put empty.bin /vol/disk0p1/hello.txt");
        assertTrue(sim("stat /vol/disk0p1/hello.txt").contains("size: 0"));
        sim("get /vol/disk0p1/hello.txt empty-back.bin");
        assertEquals(0, Files.size(dir.resolve("empty-back.bin")));
        sim("write /vol/disk0p1/notes.txt first words");
        sim("append /vol/disk0p1/notes.txt \u00e9t\u00e9");
        sim("append /vol/disk0p1/fresh.txt made");
        assertEquals("first words\n\u00e9t\u00e9", sim("cat /vol/disk0p1/notes.txt"));
        assertEquals("made", sim("cat /vol/disk0p1/fresh.txt"));
        sim("write /vol/disk0p1/notes.txt shorter");
        assertEquals("shorter", sim("cat /vol/disk0p1/notes.txt"));
        assertThrows(UsageException.class, () -> sim("write /vol/disk0p1/notes.txt"));
        assertThrows(CommandFailedException.class, () -> sim("write /vol/nowhere/x y"));
        sim("rm /vol/disk0p1/hello.txt");
        assertThrows(CommandFailedException.class, () -> sim("cat /vol/disk0p1/hello.txt"));
        assertEquals("synced", sim("sync"));

        Path written = dir.resolve("written.img");
        Files.write(written, image);
        String mdir = tool("mdir", "-i", written + "@@1M", "::/newdir");
        assertTrue(mdir.contains("moved") || mdir.contains("MOVED"), mdir);
        tool("mcopy", "-i", written + "@@1M", "::/newdir/moved.bin", dir.resolve("tool.bin").toString());
        assertArrayEquals(mine, Files.readAllBytes(dir.resolve("tool.bin")));
    }

    @Test
    void twoPartitionsAreMountedSideBySide() throws Exception {
        assumeTools();
        Path img = dir.resolve("two.img");
        Files.write(img, new byte[48 * MIB]);
        Files.writeString(dir.resolve("table"), "label: dos\nstart=2048, size=8192, type=1\nstart=10240, type=c\n");
        tool("sh", "-c", "sfdisk --no-reread " + img + " < " + dir.resolve("table"));
        tool("mkfs.fat", "-F", "12", "--offset", "2048", img.toString(), "4096");
        tool("mkfs.fat", "-F", "32", "-s", "1", "--offset", "10240", img.toString(), String.valueOf(88064 / 2));
        Files.writeString(dir.resolve("one.txt"), "on the first\n");
        tool("mcopy", "-i", img + "@@1M", dir.resolve("one.txt").toString(), "::/one.txt");
        image = Files.readAllBytes(img);
        boot();
        assertEquals("/vol/disk0p1 fat12 disk0p1\n/vol/disk0p2 fat32 disk0p2", sim("mounts"), logs.toString());
        String lsblk = sim("lsblk");
        assertTrue(lsblk.contains("fat12") && lsblk.contains("fat32"), lsblk);
        assertEquals("on the first", sim("cat /vol/disk0p1/one.txt"));
        sim("put one.txt /vol/disk0p2/copy.txt");
        assertEquals("on the first", sim("cat /vol/disk0p2/copy.txt"));
        CommandFailedException across = assertThrows(CommandFailedException.class,
                () -> sim("mv /vol/disk0p2/copy.txt /vol/disk0p1/copy.txt"));
        assertTrue(across.getMessage().contains("different filesystems"), across.getMessage());
        String df = sim("df /vol/disk0p2");
        assertTrue(df.contains("/vol/disk0p2") && !df.contains("/vol/disk0p1"), df);
        sim("sync");
        Files.write(img, image);
        assertEquals("on the first\n", tool("mtype", "-i", img + "@@5M", "::/copy.txt"));
    }

    @Test
    void devicesReadAsTheImageBytes() throws Exception {
        assumeTools();
        makeImage();
        boot();
        sim("get /dev/disk0 disk.bin");
        assertArrayEquals(image, Files.readAllBytes(dir.resolve("disk.bin")));
        sim("get /dev/disk0p1 part.bin");
        assertArrayEquals(Arrays.copyOfRange(image, MIB, image.length), Files.readAllBytes(dir.resolve("part.bin")));
        assertTrue(sim("hexdump /dev/disk0 510 2").contains("55 aa"));
        assertTrue(sim("hexdump /dev/disk0p1 0x3 5").contains("|mkfs.|"));

        byte[] patch = new byte[1000];
        new Random(9).nextBytes(patch);
        Files.write(dir.resolve("patch.bin"), patch);
        byte[] after = image.clone();
        System.arraycopy(patch, 0, after, 0, patch.length);
        sim("put patch.bin /dev/disk0");
        assertArrayEquals(after, image);
    }

    @Test
    void aCrashedFatfsdIsRestartedAndMountedAgain() throws Exception {
        assumeTools();
        makeImage();
        boot();
        ConsoleClient vfs = new ConsoleClient(kernel, "vfs", T);
        int fh = vfs.call(new FsRequest.Open("/vol/disk0p1/hello.txt", OpenFlags.READ)).fh();
        TaskId fat = kernel.tasks().stream().filter(t -> t.program().equals("fatfsd") && t.state().alive())
                .map(TaskInfo::id).findFirst().orElseThrow(() -> new AssertionError(logs.toString()));
        kernel.kill(fat, true, "injected by the test").orThrow();
        kernel.settle();
        kernel.advance(Duration.ofSeconds(30));
        assertTrue(kernel.tasks().stream().anyMatch(t -> t.program().equals("fatfsd") && t.state().alive()),
                logs.toString());
        assertEquals("/vol/disk0p1 fat16 disk0p1", sim("mounts"), logs.toString());
        assertEquals(2, logs.stream().filter(l -> l.equals("vfs: vfs: mounted fat:disk0p1 at /vol/disk0p1 (fat16)"))
                .count(), logs.toString());
        assertTrue(sim("ls /vol/disk0p1/docs").contains("big.bin"));
        CommandFailedException stale = assertThrows(CommandFailedException.class,
                () -> vfs.call(new FsRequest.Read(fh, 0, 10), Lease.writeOnly(new byte[10])));
        assertTrue(stale.getMessage().contains("was unmounted or replaced"), stale.getMessage());
    }

    @Test
    void badWordsAndBadRequestsGetClearErrorsAndServingGoesOn() throws Exception {
        assumeTools();
        makeImage();
        boot();
        assertThrows(UsageException.class, () -> sim("ls a b"));
        assertThrows(UsageException.class, () -> sim("mv a"));
        CommandFailedException missing = assertThrows(CommandFailedException.class,
                () -> sim("put nothing-here.bin /vol/disk0p1/x"));
        assertTrue(missing.getMessage().contains("cannot read host file"), missing.getMessage());
        CommandFailedException directory = assertThrows(CommandFailedException.class,
                () -> sim("put . /vol/disk0p1/x"));
        assertTrue(directory.getMessage().contains("is a directory"), directory.getMessage());
        CommandFailedException unwritable = assertThrows(CommandFailedException.class,
                () -> sim("get /vol/disk0p1/hello.txt no-such-dir/x.txt"));
        assertTrue(unwritable.getMessage().contains("cannot write host file"), unwritable.getMessage());
        assertTrue(assertThrows(CommandFailedException.class, () -> sim("cat /nowhere")).getMessage()
                .contains("no /nowhere"));

        for (Message bad : List.of(Message.of(FsRequest.STAT, new byte[] {5, 0, 'a'}), Message.of(FsRequest.READ,
                new byte[3]), Message.of(4242), new FsRequest.Read(1, 0, 10).toMessage())) {
            Message reply = KernelRig.call(kernel, "vfs", bad);
            assertEquals(MsgIds.REPLY_ERROR, reply.msgId());
            int code = Replies.failure(reply).code();
            assertTrue(code == FsError.INVALID_REQUEST.code() || code == FsError.BAD_HANDLE.code(), "" + code);
        }
        for (Message bad : List.of(Message.of(ShellRequest.RUN, new byte[] {0, 0}), Message.of(ShellRequest.READ,
                new byte[] {1}), Message.of(799), new ShellRequest.Write(1, 0, 10).toMessage(),
                new ShellRequest.Open("/vol/disk0p1/x", 0x40).toMessage())) {
            Message reply = KernelRig.call(kernel, "shell", bad);
            assertEquals(FsError.INVALID_REQUEST.code(), Replies.failure(reply).code());
        }
        assertEquals("/vol/disk0p1 fat16 disk0p1", sim("mounts"));
        assertTrue(sim("ls /vol/disk0p1").contains("hello.txt"));
    }
}
