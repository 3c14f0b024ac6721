package org.microsim.abi.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Replies;
import org.microsim.abi.WireWriter;

class FsRequestTest {
    static final List<FsRequest<?>> SAMPLES = List.of(
            new FsRequest.Open("/dir/ünï ☃.txt", OpenFlags.READ | OpenFlags.WRITE | OpenFlags.CREATE),
            new FsRequest.Read(7, 1L << 40, 65536),
            new FsRequest.Write(-1, 0, 12),
            new FsRequest.Truncate(3, 4096),
            new FsRequest.Close(3),
            new FsRequest.Stat("/"),
            new FsRequest.ReadDir("/a/b", 100),
            new FsRequest.Mkdir("/new"),
            new FsRequest.Unlink("/f"),
            new FsRequest.Rmdir("/d"),
            new FsRequest.Rename("/from", "/to/there"),
            new FsRequest.Sync(),
            new FsRequest.StatFs());

    @Test
    void everyRequestRoundTripsWithItsOwnId() throws MalformedException {
        Set<Integer> ids = new HashSet<>();
        for (FsRequest<?> r : SAMPLES) {
            assertEquals(r, FsRequest.decode(r.toMessage()));
            int id = r.toMessage().msgId();
            assertTrue(ids.add(id), "duplicate id " + id);
            assertTrue(id >= MsgIds.FS_BASE && id < MsgIds.FS_BASE + 100);
        }
    }

    @Test
    void layoutIsLittleEndianAsDocumented() {
        byte[] b = new FsRequest.Read(0x01020304, 0x05, 0x0a0b0c0d).toMessage().data();
        assertArrayEquals(new byte[] {4, 3, 2, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0x0d, 0x0c, 0x0b, 0x0a}, b);
        byte[] o = new FsRequest.Open("ab", 3).toMessage().data();
        assertArrayEquals(new byte[] {2, 0, 'a', 'b', 3, 0, 0, 0}, o);
    }

    @Test
    void everyTruncationIsRejected() {
        for (FsRequest<?> r : SAMPLES) {
            byte[] full = r.toMessage().data();
            for (int n = 0; n < full.length; n++) {
                byte[] cut = Arrays.copyOf(full, n);
                assertThrows(MalformedException.class, () -> decode(r.toMessage().msgId(), cut), r + " cut to " + n);
            }
        }
    }

    @Test
    void trailingBytesAreRejected() {
        for (FsRequest<?> r : SAMPLES) {
            byte[] longer = Arrays.copyOf(r.toMessage().data(), r.toMessage().size() + 1);
            MalformedException e = assertThrows(MalformedException.class, () -> decode(r.toMessage().msgId(), longer));
            assertTrue(e.getMessage().contains("trailing"), e.getMessage());
        }
    }

    @Test
    void unknownIdsAreRejected() {
        for (int id : new int[] {0, 499, 513, 599, MsgIds.BLOCK_BASE}) {
            MalformedException e = assertThrows(MalformedException.class, () -> decode(id, new byte[0]));
            assertTrue(e.getMessage().contains("unknown"), e.getMessage());
        }
    }

    @Test
    void nonUtf8PathsAreRejected() {
        byte[] bad = new WireWriter().u16(2).u8(0xC3).u8(0x28).u32(1).toByteArray();
        MalformedException e = assertThrows(MalformedException.class, () -> decode(FsRequest.OPEN, bad));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
        byte[] rename = new WireWriter().string("/ok").u16(1).u8(0xFF).toByteArray();
        assertThrows(MalformedException.class, () -> decode(FsRequest.RENAME, rename));
    }

    @Test
    void badFlagsAndHugeOffsetsAreRejected() {
        for (int flags : new int[] {0, OpenFlags.CREATE | OpenFlags.READ, 64 | OpenFlags.READ,
                OpenFlags.EXCLUSIVE | OpenFlags.WRITE}) {
            byte[] b = new FsRequest.Open("/x", flags).toMessage().data();
            assertThrows(MalformedException.class, () -> decode(FsRequest.OPEN, b), "flags " + flags);
        }
        byte[] read = new WireWriter().u32(1).i64(-1).u32(1).toByteArray();
        assertThrows(MalformedException.class, () -> decode(FsRequest.READ, read));
    }

    @Test
    void repliesRoundTrip() throws MalformedException {
        assertEquals(new FsReplies.Opened(9), FsReplies.Opened.decode(new FsReplies.Opened(9).toMessage()));
        assertEquals(new FsReplies.Transferred(4096),
                FsReplies.Transferred.decode(new FsReplies.Transferred(4096).toMessage()));
        FsReplies.DirPage page = new FsReplies.DirPage(2, 60, true);
        assertEquals(page, FsReplies.DirPage.decode(page.toMessage()));
        FsStats st = new FsStats(1000, 10, 4096, FsType.FAT32, false, "LABEL");
        assertEquals(st, FsStats.decode(st.toMessage()));
        FileStat f = new FileStat("f", 1, false, 0, 0);
        assertEquals(f, FileStat.decode(f.toMessage()));
        FileStat a = new FileStat("a ☃", 5, false, FileStat.ARCHIVE, 1_767_225_600L);
        FileStat b = new FileStat("d", 0, true, FileStat.DIRECTORY, 0);
        byte[] lease = b.write(a.write(new WireWriter())).toByteArray();
        assertEquals(List.of(a, b), FsReplies.entries(lease, new FsReplies.DirPage(2, lease.length, false)));
        assertThrows(MalformedException.class, () -> FsReplies.DirPage.decode(Replies.ok(new byte[] {1, 0, 0, 0, 1, 0, 0, 0, 2})));
        assertThrows(MalformedException.class, () -> FsReplies.entries(lease, new FsReplies.DirPage(3, 99, false)));
        assertThrows(MalformedException.class, () -> FsStats.decode(Replies.ok(Arrays.copyOf(st.toMessage().data(), 30))));
        assertThrows(MalformedException.class,
                () -> FsStats.decode(new FsStats(1, 2, 512, FsType.FAT12, false, "").toMessage()));
        assertThrows(MalformedException.class, () -> FsReplies.Opened.decode(Replies.ok(new byte[5])));
        assertThrows(MalformedException.class, () -> FsReplies.Opened.decode(
                Message.of(MsgIds.REPLY_OK, new byte[4], new org.microsim.abi.Handle(1))), "a handle");
    }

    @Test
    void errorsKeepTheirCodes() throws MalformedException {
        Set<Integer> codes = new HashSet<>();
        for (FsError e : FsError.values()) {
            assertTrue(codes.add(e.code()));
            assertEquals(e, FsError.fromCode(e.code()));
            FsException back = FsRequest.PROTOCOL.failure(e.code(), "why");
            assertEquals(e, back.error());
            assertEquals("why", back.getMessage());
        }
        assertEquals(12, FsError.CORRUPT.code());
        assertThrows(MalformedException.class, () -> FsError.fromCode(99));
        assertEquals(FsError.IO_ERROR, FsRequest.PROTOCOL.failure(99, "odd").error());
        assertEquals(FsError.IO_ERROR, FsRequest.PROTOCOL.unreachable("gone", null).error());
    }

    @Provide
    Arbitrary<FsRequest<?>> requests() {
        Arbitrary<String> paths = Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(40);
        Arbitrary<Integer> ints = Arbitraries.integers();
        Arbitrary<Long> offsets = Arbitraries.longs().greaterOrEqual(0);
        Arbitrary<Integer> flags = Arbitraries.integers().between(0, 63)
                .filter(f -> OpenFlags.problem(f) == null);
        return Arbitraries.oneOf(
                Combinators.combine(paths, flags).as(FsRequest.Open::new),
                Combinators.combine(ints, offsets, ints).as(FsRequest.Read::new),
                Combinators.combine(ints, offsets, ints).as(FsRequest.Write::new),
                Combinators.combine(ints, offsets).as(FsRequest.Truncate::new),
                ints.map(FsRequest.Close::new),
                paths.map(FsRequest.Stat::new),
                Combinators.combine(paths, ints).as(FsRequest.ReadDir::new),
                paths.map(FsRequest.Mkdir::new),
                paths.map(FsRequest.Unlink::new),
                paths.map(FsRequest.Rmdir::new),
                Combinators.combine(paths, paths).as(FsRequest.Rename::new),
                Arbitraries.just(new FsRequest.Sync()),
                Arbitraries.just(new FsRequest.StatFs()));
    }

    @Property(tries = 300)
    void randomRequestsRoundTrip(@ForAll("requests") FsRequest<?> request) throws MalformedException {
        assertEquals(request, FsRequest.decode(request.toMessage()));
    }

    @Property(tries = 300)
    void randomBytesNeverThrowAnythingButMalformed(@ForAll("ids") int id, @ForAll byte[] bytes) {
        try {
            FsRequest<?> r = decode(id, bytes);
            assertArrayEquals(bytes, r.toMessage().data(), "a decoded request encodes to the same bytes");
        } catch (MalformedException e) {
            assertTrue(!e.getMessage().isEmpty());
        }
    }

    private static FsRequest<?> decode(int id, byte[] bytes) throws MalformedException {
        return FsRequest.decode(Message.of(id, bytes));
    }

    @Test
    void theVfsDecodesBothProtocolsAndFsDriversOnlyTheirs() throws MalformedException {
        Message mounts = new VfsRequest.Mounts(2).toMessage();
        assertEquals(new VfsRequest.Mounts(2), VfsRequest.decode(mounts));
        assertEquals(new FsRequest.Sync(), VfsRequest.decode(new FsRequest.Sync().toMessage()));
        assertThrows(MalformedException.class, () -> FsRequest.decode(mounts));
        assertThrows(MalformedException.class, () -> VfsRequest.decode(Message.of(MsgIds.FS_BASE + 23)));
    }

    @Provide
    Arbitrary<Integer> ids() {
        return Arbitraries.integers().between(MsgIds.FS_BASE - 2, MsgIds.FS_BASE + 14);
    }
}
