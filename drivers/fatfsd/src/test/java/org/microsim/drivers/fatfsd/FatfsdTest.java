package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.Lease;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Replies;
import org.microsim.abi.WireWriter;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.FsType;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.hosttools.HostTools;
import org.microsim.kernel.PortSnapshot;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.TaskState;
import org.microsim.testkit.task.BlockServer;
import org.microsim.testkit.task.KernelRig;
import org.microsim.testkit.task.MemoryDisk;

/** The fatfsd task in a real kernel, over a test block server holding an image made by mkfs.fat and mcopy. */
class FatfsdTest {
    private static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** A rig that boots a block server of {@code image} as disk0 and fatfsd on it. */
    private static KernelRig.Builder rig(long seed, byte[] image) {
        return KernelRig.builder(seed)
                .program("disk", () -> new BlockServer("disk0", PortSubclass.BLOCK_FAT16, MemoryDisk.of(image, 512)))
                .program("fatfsd", () -> sys -> Fatfsd.serve(sys, sys.lookup("disk0", T).orThrow()))
                .boot("disk").boot("fatfsd");
    }

    private static KernelRig boot(byte[] image) {
        return rig(3, image).build();
    }

    /** A call through the console, with its reply typed as a client gets it: the payload or an FsException. */
    private static <V> V call(KernelRig rig, FsRequest<V> request, Lease lease) throws Exception {
        return Client.named(rig.kernel().console(), "fat:disk0", Duration.ZERO, T).call(request, lease);
    }

    /** A raw message through the console, and its reply. */
    private static Message raw(KernelRig rig, Message message) {
        return rig.call("fat:disk0", message);
    }

    private static FsError error(ThrowingSupplier<?> call) {
        return assertThrows(FsException.class, call::get).error();
    }

    /** The failure a raw message gets from fatfsd, asserting that it is INVALID_REQUEST. */
    private static String invalid(KernelRig k, Message message) throws Exception {
        Replies.Failure f = Replies.failure(raw(k, message));
        assertEquals(FsError.INVALID_REQUEST.code(), f.code(), f.detail());
        return f.detail();
    }

    @Test
    void servesAFatVolumeAndItsChangesReachTheImage() throws Exception {
        HostTools.require("mkfs.fat", "mcopy");
        Path img = Tools.mkfs(dir, "t.img", 16, 1, 8192);
        byte[] hello = "hello from the host\n".getBytes(StandardCharsets.UTF_8);
        Images.copyIn(dir, img.toString(), "/hello.txt", hello);
        byte[] image = Files.readAllBytes(img);
        try (KernelRig k = boot(image)) {
            PortSnapshot port = k.kernel().ports().stream().filter(p -> p.info().name().equals("fat:disk0")).findFirst()
                    .orElseThrow(() -> new AssertionError("no fat:disk0 port; logs " + k.logs()));
            assertEquals(PortClass.FILESYSTEM, port.info().portClass());
            assertEquals(Fatfsd.subclass(FsType.FAT16), port.info().subclass());
            assertEquals("disk0", port.info().parent());

            int fh = call(k, new FsRequest.Open("/HELLO.TXT", OpenFlags.READ), null).fh();
            byte[] buf = new byte[100];
            assertEquals(hello.length, call(k, new FsRequest.Read(fh, 0, 100), Lease.writeOnly(buf)).bytes());
            assertArrayEquals(hello, Arrays.copyOf(buf, hello.length));

            byte[] data = new byte[70_000];
            new java.util.Random(5).nextBytes(data);
            int out = call(k, new FsRequest.Open("/new file.bin", OpenFlags.WRITE | OpenFlags.CREATE), null).fh();
            assertEquals(data.length, call(k, new FsRequest.Write(out, 0, data.length), Lease.readOnly(data)).bytes());
            call(k, new FsRequest.Close(out), null);
            call(k, new FsRequest.Sync(), null);
            Path back = dir.resolve("back.img");
            Files.write(back, image);
            assertArrayEquals(data, Images.readBack(back.toString(), "/new file.bin"));
        }
    }

    @Test
    void largeTransfersLendTheLeaseOnAndLeasesWithoutTheRightAreRefused() throws Exception {
        HostTools.require("mkfs.fat", "mcopy");
        Path img = Tools.mkfs(dir, "t.img", 16, 1, 8192);
        byte[] image = Files.readAllBytes(img);
        try (KernelRig k = boot(image)) {
            // Unaligned on purpose: a merged first cluster, whole clusters lent to the disk, a merged tail.
            byte[] data = new byte[3 * 1024 * 1024 + 100];
            new java.util.Random(6).nextBytes(data);
            int fh = call(k, new FsRequest.Open("/big.bin", OpenFlags.READ | OpenFlags.WRITE | OpenFlags.CREATE),
                    null).fh();
            call(k, new FsRequest.Write(fh, 1000, data.length), Lease.readOnly(data));
            byte[] back = new byte[data.length + 1000];
            assertEquals(back.length, call(k, new FsRequest.Read(fh, 0, back.length), Lease.writeOnly(back)).bytes());
            assertArrayEquals(data, Arrays.copyOfRange(back, 1000, back.length));

            assertEquals(FsError.INVALID_REQUEST, error(() -> call(k, new FsRequest.Read(fh, 0, 1 << 20),
                    Lease.readOnly(new byte[1 << 20]))));
            assertEquals(FsError.INVALID_REQUEST, error(() -> call(k, new FsRequest.Write(fh, 0, 1 << 20),
                    Lease.writeOnly(new byte[1 << 20]))));

            call(k, new FsRequest.Close(fh), null);
            call(k, new FsRequest.Sync(), null);
            Path written = dir.resolve("back.img");
            Files.write(written, image);
            byte[] expected = new byte[data.length + 1000];
            System.arraycopy(data, 0, expected, 1000, data.length);
            assertArrayEquals(expected, Images.readBack(written.toString(), "/big.bin"));
        }
    }

    @Test
    void whatIsAcknowledgedIsOnTheDiskAtOnce() throws Exception {
        HostTools.require("mkfs.fat", "mcopy");
        byte[] image = Files.readAllBytes(Tools.mkfs(dir, "t.img", 12, 1, 1024));
        try (KernelRig k = boot(image)) {
            call(k, new FsRequest.Mkdir("/made"), null);
            assertTrue(rootListing(image).contains("made"), "a mkdir is answered once it is on the disk");
            int fh = call(k, new FsRequest.Open("/closed.bin", OpenFlags.WRITE | OpenFlags.CREATE), null).fh();
            call(k, new FsRequest.Write(fh, 0, 3), Lease.readOnly(new byte[] {1, 2, 3}));
            call(k, new FsRequest.Close(fh), null);
            Path back = dir.resolve("closed.img");
            Files.write(back, image);
            assertArrayEquals(new byte[] {1, 2, 3}, Images.readBack(back.toString(), "/closed.bin"),
                    "a file written and closed is on the disk when the close is answered");
        }
    }

    @Test
    void writesToAnOpenFileReachTheDiskOnTheirOwnAfterAnIdleSecond() throws Exception {
        HostTools.require("mkfs.fat", "mcopy");
        byte[] image = Files.readAllBytes(Tools.mkfs(dir, "t.img", 12, 1, 1024));
        try (KernelRig k = boot(image)) {
            call(k, new FsRequest.Open("/later.bin", OpenFlags.WRITE | OpenFlags.CREATE), null);
            k.advance(Duration.ofSeconds(2));
            assertTrue(rootListing(image).contains("later"));
        }
    }

    @Test
    void everyRequestWhileDirtyPutsTheWriteBackOff() throws Exception {
        HostTools.require("mkfs.fat", "mcopy");
        byte[] image = Files.readAllBytes(Tools.mkfs(dir, "t.img", 12, 1, 1024));
        try (KernelRig k = boot(image)) {
            call(k, new FsRequest.Open("/later.bin", OpenFlags.WRITE | OpenFlags.CREATE), null);
            k.advance(Duration.ofMillis(700));
            assertFalse(rootListing(image).contains("later"), "written back before the volume was idle");
            call(k, new FsRequest.StatFs(), null);
            k.advance(Duration.ofMillis(700));
            assertFalse(rootListing(image).contains("later"), "written back 0.7 s after the last request");
            k.advance(Duration.ofMillis(500));
            assertTrue(rootListing(image).contains("later"));
        }
    }

    /** What mdir lists in the root of {@code image} as it is now. */
    private String rootListing(byte[] image) throws Exception {
        Path back = dir.resolve("back.img");
        Files.write(back, image);
        return HostTools.ok("mdir", "-i", back.toString(), "::/").out();
    }

    @Test
    void malformedRequestsGetErrorsAndServingGoesOn() throws Exception {
        HostTools.require("mkfs.fat");
        byte[] image = Files.readAllBytes(Tools.mkfs(dir, "t.img", 12, 1, 1024));
        try (KernelRig k = boot(image)) {
            assertTrue(invalid(k, Message.of(FsRequest.STAT, new byte[] {9, 0, 1})).startsWith(
                    "malformed filesystem request: "));
            assertEquals("malformed filesystem request: unknown filesystem request id 4242",
                    invalid(k, Message.of(4242)));
            invalid(k, Message.of(MsgIds.FS_BASE + 77));
            invalid(k, Message.of(FsRequest.OPEN, new WireWriter().u16(1).u8(0xFF).u32(1).toByteArray()));
            invalid(k, Message.of(FsRequest.SYNC, new byte[1]));
            assertEquals(FsType.FAT12, call(k, new FsRequest.StatFs(), null).type());
        }
    }

    /** A client task: writes its own file through the fat port, reads it back, logs whether it matched. */
    private static Program client(String name) {
        return sys -> {
            Client fat = Client.of(sys, sys.lookup("fat:disk0", T).orThrow(), T);
            byte[] data = new byte[20_000];
            new java.util.Random(name.hashCode()).nextBytes(data);
            int fh = fat.call(new FsRequest.Open("/" + name, OpenFlags.READ | OpenFlags.WRITE | OpenFlags.CREATE))
                    .fh();
            for (int at = 0; at < data.length; at += 5000) {
                fat.call(new FsRequest.Write(fh, at, 5000), new Lease.Buffer(data, at, 5000, true, false));
            }
            byte[] back = new byte[data.length];
            fat.call(new FsRequest.Read(fh, 0, back.length), Lease.writeOnly(back));
            sys.log(name + (Arrays.equals(data, back) ? " matched" : " differed"));
        };
    }

    @Test
    void severalClientsAreServedAtOnce() throws Exception {
        HostTools.require("mkfs.fat");
        byte[] image = Files.readAllBytes(Tools.mkfs(dir, "t.img", 16, 1, 8192));
        try (KernelRig k = rig(4, image).program("a", () -> client("a.bin")).program("b", () -> client("b.bin"))
                .program("c", () -> client("c.bin")).boot("a").boot("b").boot("c").build()) {
            List<String> logs = k.logs();
            assertTrue(logs.containsAll(List.of("a.bin matched", "b.bin matched", "c.bin matched")), logs.toString());
        }
    }

    @Test
    void aVolumeThatCannotBeMountedIsLoggedAndTheTaskEnds() {
        try (KernelRig k = boot(new byte[512 * 64])) {
            List<String> logs = k.logs();
            TaskInfo task = k.kernel().tasks().stream().filter(t -> t.name().equals("fatfsd")).findFirst()
                    .orElseThrow();
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
