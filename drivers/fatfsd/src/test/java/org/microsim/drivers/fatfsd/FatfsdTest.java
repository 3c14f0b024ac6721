package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.abi.Handle;
import org.microsim.abi.Lease;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsReplies;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.FsType;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.PortSnapshot;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.TaskState;

/** The fatfsd task in a real kernel, over a test block server holding an image made by mkfs.fat and mcopy. */
class FatfsdTest {
    private static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Kernel boot(byte[] image, List<String> logs) {
        ProgramCatalog programs = new ProgramCatalog()
                .add("disk", "", () -> new ArrayDisk("disk0", PortSubclass.BLOCK_FAT16, image))
                .add("fatfsd", "", () -> sys -> Fatfsd.serve(sys, sys.lookup("disk0", T).orThrow()));
        Kernel k = Kernel.builder().seed(3).programs(programs).build();
        k.onLog(line -> logs.add(line.text()));
        k.spawn("disk", "disk", new byte[0], false).orThrow();
        k.spawn("fatfsd", "fatfsd", new byte[0], false).orThrow();
        k.settle();
        return k;
    }

    private static Message call(Kernel k, FsRequest request, Lease lease) {
        return k.consoleCall("fat:disk0", request.toMessage().withLease(lease), T).orThrow();
    }

    private static int fh(Message reply) throws Exception {
        assertNull(FsReplies.failure(reply));
        return FsReplies.Opened.decode(reply.data()).fh();
    }

    @Test
    void servesAFatVolumeAndItsChangesReachTheImage() throws Exception {
        Tools.assumeInstalled("mkfs.fat", "mcopy");
        Path img = Tools.mkfs(dir, "t.img", 16, 1, 8192);
        byte[] hello = "hello from the host\n".getBytes(StandardCharsets.UTF_8);
        Images.copyIn(dir, img.toString(), "/hello.txt", hello);
        byte[] image = Files.readAllBytes(img);
        List<String> logs = new ArrayList<>();
        try (Kernel k = boot(image, logs)) {
            PortSnapshot port = k.ports().stream().filter(p -> p.info().name().equals("fat:disk0")).findFirst()
                    .orElseThrow(() -> new AssertionError("no fat:disk0 port; logs " + logs));
            assertEquals(PortClass.FILESYSTEM, port.info().portClass());
            assertEquals(Fatfsd.subclass(FsType.FAT16), port.info().subclass());
            assertEquals("disk0", port.info().parent());

            int fh = fh(call(k, new FsRequest.Open("/HELLO.TXT", OpenFlags.READ), null));
            byte[] buf = new byte[100];
            Message read = call(k, new FsRequest.Read(fh, 0, 100), Lease.writeOnly(buf));
            assertEquals(hello.length, FsReplies.Transferred.decode(read.data()).bytes());
            assertArrayEquals(hello, Arrays.copyOf(buf, hello.length));

            byte[] data = new byte[70_000];
            new java.util.Random(5).nextBytes(data);
            int out = fh(call(k, new FsRequest.Open("/new file.bin", OpenFlags.WRITE | OpenFlags.CREATE), null));
            call(k, new FsRequest.Write(out, 0, data.length), Lease.readOnly(data));
            call(k, new FsRequest.Close(out), null);
            assertEquals(MsgIds.REPLY_OK, call(k, new FsRequest.Sync(), null).msgId());
            Path back = dir.resolve("back.img");
            Files.write(back, image);
            assertArrayEquals(data, Images.readBack(back.toString(), "/new file.bin"));
        }
    }

    @Test
    void largeTransfersLendTheLeaseOnAndLeasesWithoutTheRightAreRefused() throws Exception {
        Tools.assumeInstalled("mkfs.fat", "mcopy");
        Path img = Tools.mkfs(dir, "t.img", 16, 1, 8192);
        byte[] image = Files.readAllBytes(img);
        try (Kernel k = boot(image, new ArrayList<>())) {
            // Unaligned on purpose: a merged first cluster, whole clusters lent to the disk, a merged tail.
            byte[] data = new byte[3 * 1024 * 1024 + 100];
            new java.util.Random(6).nextBytes(data);
            int fh = fh(call(k, new FsRequest.Open("/big.bin", OpenFlags.READ | OpenFlags.WRITE | OpenFlags.CREATE),
                    null));
            call(k, new FsRequest.Write(fh, 1000, data.length), Lease.readOnly(data));
            byte[] back = new byte[data.length + 1000];
            Message read = call(k, new FsRequest.Read(fh, 0, back.length), Lease.writeOnly(back));
            assertEquals(back.length, FsReplies.Transferred.decode(read.data()).bytes());
            assertArrayEquals(data, Arrays.copyOfRange(back, 1000, back.length));

            Message readIntoReadOnly = call(k, new FsRequest.Read(fh, 0, 1 << 20), Lease.readOnly(new byte[1 << 20]));
            assertEquals(FsError.INVALID_REQUEST, FsReplies.failure(readIntoReadOnly).error());
            Message writeFromWriteOnly = call(k, new FsRequest.Write(fh, 0, 1 << 20),
                    Lease.writeOnly(new byte[1 << 20]));
            assertEquals(FsError.INVALID_REQUEST, FsReplies.failure(writeFromWriteOnly).error());

            call(k, new FsRequest.Close(fh), null);
            assertEquals(MsgIds.REPLY_OK, call(k, new FsRequest.Sync(), null).msgId());
            Path written = dir.resolve("back.img");
            Files.write(written, image);
            byte[] expected = new byte[data.length + 1000];
            System.arraycopy(data, 0, expected, 1000, data.length);
            assertArrayEquals(expected, Images.readBack(written.toString(), "/big.bin"));
        }
    }

    @Test
    void writesReachTheDiskOnTheirOwnAfterAnIdleSecond() throws Exception {
        Tools.assumeInstalled("mkfs.fat", "mcopy");
        byte[] image = Files.readAllBytes(Tools.mkfs(dir, "t.img", 12, 1, 1024));
        try (Kernel k = boot(image, new ArrayList<>())) {
            call(k, new FsRequest.Mkdir("/later"), null);
            k.advance(Duration.ofSeconds(2));
            Path back = dir.resolve("back.img");
            Files.write(back, image);
            assertTrue(Tools.ok("mdir", "-i", back.toString(), "::/").out().contains("later"));
        }
    }

    @Test
    void malformedRequestsGetErrorsAndServingGoesOn() throws Exception {
        Tools.assumeInstalled("mkfs.fat");
        byte[] image = Files.readAllBytes(Tools.mkfs(dir, "t.img", 12, 1, 1024));
        try (Kernel k = boot(image, new ArrayList<>())) {
            Message bad = k.consoleCall("fat:disk0", Message.of(FsRequest.STAT, new byte[] {9, 0, 1}), T).orThrow();
            assertEquals(FsError.INVALID_REQUEST, FsReplies.failure(bad).error());
            Message unknown = k.consoleCall("fat:disk0", Message.of(4242), T).orThrow();
            assertEquals(FsError.INVALID_REQUEST, FsReplies.failure(unknown).error());
            assertNull(FsReplies.failure(call(k, new FsRequest.StatFs(), null)));
        }
    }

    /** A client task: writes its own file through the fat port, reads it back, logs whether it matched. */
    private static Program client(String name) {
        return sys -> {
            Handle fat = sys.lookup("fat:disk0", T).orThrow();
            byte[] data = new byte[20_000];
            new java.util.Random(name.hashCode()).nextBytes(data);
            int fh = FsReplies.Opened.decode(sys.call(fat, new FsRequest.Open("/" + name,
                    OpenFlags.READ | OpenFlags.WRITE | OpenFlags.CREATE).toMessage(), T).orThrow().data()).fh();
            for (int at = 0; at < data.length; at += 5000) {
                sys.call(fat, new FsRequest.Write(fh, at, 5000).toMessage()
                        .withLease(new Lease.Buffer(data, at, 5000, true, false)), T).orThrow();
            }
            byte[] back = new byte[data.length];
            sys.call(fat, new FsRequest.Read(fh, 0, back.length).toMessage().withLease(Lease.writeOnly(back)), T)
                    .orThrow();
            sys.log(name + (Arrays.equals(data, back) ? " matched" : " differed"));
        };
    }

    @Test
    void severalClientsAreServedAtOnce() throws Exception {
        Tools.assumeInstalled("mkfs.fat");
        byte[] image = Files.readAllBytes(Tools.mkfs(dir, "t.img", 16, 1, 8192));
        List<String> logs = new ArrayList<>();
        ProgramCatalog programs = new ProgramCatalog()
                .add("disk", "", () -> new ArrayDisk("disk0", PortSubclass.BLOCK_FAT16, image))
                .add("fatfsd", "", () -> sys -> Fatfsd.serve(sys, sys.lookup("disk0", T).orThrow()))
                .add("a", "", () -> client("a.bin")).add("b", "", () -> client("b.bin"))
                .add("c", "", () -> client("c.bin"));
        try (Kernel k = Kernel.builder().seed(4).programs(programs).build()) {
            k.onLog(line -> logs.add(line.text()));
            for (String p : List.of("disk", "fatfsd", "a", "b", "c")) {
                k.spawn(p, p, new byte[0], false).orThrow();
            }
            k.settle();
            assertTrue(logs.containsAll(List.of("a.bin matched", "b.bin matched", "c.bin matched")), logs.toString());
        }
    }

    @Test
    void aVolumeThatCannotBeMountedIsLoggedAndTheTaskEnds() {
        List<String> logs = new ArrayList<>();
        try (Kernel k = boot(new byte[512 * 64], logs)) {
            TaskInfo task = k.tasks().stream().filter(t -> t.name().equals("fatfsd")).findFirst().orElseThrow();
            assertEquals(TaskState.EXITED, task.state());
            assertTrue(logs.stream().anyMatch(l -> l.startsWith("fatfsd: cannot mount disk0: ")), logs.toString());
        }
    }

    @Test
    void longBlockNamesKeepTheirTail() {
        assertEquals("fat:disk0p1", Fatfsd.portName("disk0p1"));
        String name = Fatfsd.portName("00:1f.2:ahci:port0:long-disk-name0p12");
        assertEquals(32, name.length());
        assertTrue(name.endsWith("long-disk-name0p12") && name.startsWith("fat:"));
    }
}
