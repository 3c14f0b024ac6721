package org.microsim.abi.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.LeaseInfo;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Replies;
import org.microsim.abi.SysError;
import org.microsim.abi.WireWriter;

class BlockRequestTest {
    private static final BlockInfo DISK = new BlockInfo(512, 1000, false);

    @Test
    void requestsHaveTheDocumentedLayout() {
        Message m = new BlockRequest.Read(0x0102030405060708L, 0x11223344).toMessage();
        assertEquals(401, m.msgId());
        assertArrayEquals(new byte[] {8, 7, 6, 5, 4, 3, 2, 1, 0x44, 0x33, 0x22, 0x11}, m.data());
        assertEquals(400, new BlockRequest.GetInfo().toMessage().msgId());
        assertEquals(402, new BlockRequest.Write(1, 1).toMessage().msgId());
        assertEquals(403, new BlockRequest.Flush().toMessage().msgId());
        assertEquals(0, new BlockRequest.Flush().toMessage().size());
    }

    @Test
    void infoHasTheDocumentedLayout() throws MalformedException {
        Message m = new BlockInfo(4096, 0x100000000L, true).toMessage();
        assertEquals(MsgIds.REPLY_OK, m.msgId());
        assertArrayEquals(new byte[] {0, 0x10, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1}, m.data());
        assertEquals(new BlockInfo(4096, 0x100000000L, true), BlockInfo.decode(m));
    }

    @Property(tries = 200)
    void transfersRoundTrip(@ForAll long lba, @ForAll @IntRange(min = 0) int count, @ForAll boolean write)
            throws MalformedException {
        BlockRequest<?> r = write ? new BlockRequest.Write(lba, count) : new BlockRequest.Read(lba, count);
        assertEquals(r, BlockRequest.decode(r.toMessage()));
    }

    @Property(tries = 100)
    void infoRoundTrips(@ForAll @IntRange(min = 1) int size, @ForAll long count, @ForAll boolean ro)
            throws MalformedException {
        BlockInfo info = new BlockInfo(size, Math.abs(count == Long.MIN_VALUE ? 0 : count), ro);
        assertEquals(info, BlockInfo.decode(info.toMessage()));
    }

    @Test
    void emptyRequestsRoundTrip() throws MalformedException {
        for (BlockRequest<?> r : List.of(new BlockRequest.GetInfo(), new BlockRequest.Flush())) {
            assertEquals(r, BlockRequest.decode(r.toMessage()));
        }
    }

    private static String malformed(Message m) {
        return assertThrows(MalformedException.class, () -> BlockRequest.decode(m)).getMessage();
    }

    @Test
    void rejectsUnknownIds() {
        assertTrue(malformed(Message.of(404)).contains("msg id 404 is not a block request"));
        assertTrue(malformed(Message.of(0)).contains("msg id 0"));
    }

    @Test
    void rejectsShortTransfers() {
        String e = malformed(Message.of(BlockRequest.READ, new byte[11]));
        assertTrue(e.contains("READ request must be 12 bytes") && e.contains("got 11"), e);
        e = malformed(Message.of(BlockRequest.WRITE));
        assertTrue(e.contains("WRITE request must be 12 bytes") && e.contains("got 0"), e);
    }

    @Test
    void rejectsTrailingBytes() {
        String e = malformed(Message.of(BlockRequest.READ, new byte[13]));
        assertTrue(e.contains("READ request: 1 unexpected trailing bytes"), e);
        e = malformed(Message.of(BlockRequest.GET_INFO, new byte[2]));
        assertTrue(e.contains("GET_INFO request: 2 unexpected trailing bytes"), e);
        e = malformed(Message.of(BlockRequest.FLUSH, new byte[1]));
        assertTrue(e.contains("FLUSH request"), e);
    }

    @Test
    void rejectsCountsOver31Bits() {
        byte[] b = new WireWriter().i64(0).u32(0x80000000L).toByteArray();
        assertTrue(malformed(Message.of(BlockRequest.WRITE, b)).contains("block count 2147483648 is over"));
    }

    @Test
    void rejectsBadInfo() {
        assertThrows(MalformedException.class, () -> BlockInfo.decode(Replies.ok(new byte[12])));
        assertThrows(MalformedException.class, () -> BlockInfo.decode(Replies.ok(new byte[14])));
        byte[] zeroSize = new WireWriter().u32(0).i64(1).u8(0).toByteArray();
        assertTrue(assertThrows(MalformedException.class, () -> BlockInfo.decode(Replies.ok(zeroSize))).getMessage()
                .contains("block size 0"));
        byte[] badFlag = new WireWriter().u32(512).i64(1).u8(2).toByteArray();
        assertTrue(assertThrows(MalformedException.class, () -> BlockInfo.decode(Replies.ok(badFlag))).getMessage()
                .contains("read-only flag"));
        byte[] hugeCount = new WireWriter().u32(512).i64(-1).u8(0).toByteArray();
        assertTrue(assertThrows(MalformedException.class, () -> BlockInfo.decode(Replies.ok(hugeCount))).getMessage()
                .contains("18446744073709551615"));
    }

    @Test
    void failuresAreTypedByTheProtocol() {
        assertEquals(BlockError.READ_ONLY, BlockRequest.PROTOCOL.failure(2, "no").error());
        BlockException unknown = BlockRequest.PROTOCOL.failure(99, "odd");
        assertEquals(BlockError.IO_ERROR, unknown.error());
        assertTrue(unknown.getMessage().contains("unknown error code 99"), unknown.getMessage());
        SysError died = SysError.of(ErrorCode.PEER_DIED, "gone");
        assertEquals(BlockError.DEVICE_GONE, BlockRequest.PROTOCOL.unreachable("x", died).error());
        assertTrue(BlockRequest.PROTOCOL.unreachable("x", died).peerGone());
        SysError late = SysError.of(ErrorCode.TIMED_OUT, "late");
        assertEquals(BlockError.IO_ERROR, BlockRequest.PROTOCOL.unreachable("x", late).error());
        assertEquals(BlockError.IO_ERROR, BlockRequest.PROTOCOL.unreachable("x", null).error());
        assertEquals(BlockError.INVALID_REQUEST.code(), BlockRequest.PROTOCOL.badRequestCode());
    }

    @Test
    void rejectsHandles() {
        Message withHandle = Message.of(BlockRequest.FLUSH, new byte[0], new Handle(3));
        assertTrue(malformed(withHandle).contains("carries no handles"));
    }

    private static BlockError rejected(BlockRequest<?> r, BlockInfo info, LeaseInfo lease) {
        return assertThrows(BlockException.class, () -> BlockRequestCheck.check(r, info, lease)).error();
    }

    @Test
    void checksRangesLeasesAndRights() throws BlockException {
        LeaseInfo rw = new LeaseInfo(4096, true, true);
        BlockRequestCheck.check(new BlockRequest.Read(992, 8), DISK, rw);
        BlockRequestCheck.check(new BlockRequest.Write(0, 8), DISK, rw);
        BlockRequestCheck.check(new BlockRequest.Flush(), DISK, null);
        BlockRequestCheck.check(new BlockRequest.GetInfo(), DISK, null);
        assertEquals(BlockError.OUT_OF_RANGE, rejected(new BlockRequest.Read(993, 8), DISK, rw));
        assertEquals(BlockError.OUT_OF_RANGE, rejected(new BlockRequest.Read(-1, 1), DISK, rw));
        assertEquals(BlockError.OUT_OF_RANGE, rejected(new BlockRequest.Read(Long.MAX_VALUE, 8), DISK, rw));
        assertEquals(BlockError.INVALID_REQUEST, rejected(new BlockRequest.Read(0, 0), DISK, rw));
        assertEquals(BlockError.LEASE_TOO_SMALL, rejected(new BlockRequest.Read(0, 9), DISK, rw));
        assertEquals(BlockError.LEASE_TOO_SMALL, rejected(new BlockRequest.Read(0, 1), DISK, null));
        assertEquals(BlockError.INVALID_REQUEST,
                rejected(new BlockRequest.Read(0, 1), DISK, new LeaseInfo(512, true, false)));
        assertEquals(BlockError.INVALID_REQUEST,
                rejected(new BlockRequest.Write(0, 1), DISK, new LeaseInfo(512, false, true)));
        assertEquals(BlockError.READ_ONLY,
                rejected(new BlockRequest.Write(0, 1), new BlockInfo(512, 1000, true), rw));
        BlockInfo big = new BlockInfo(512, 1L << 40, false);
        assertEquals(BlockError.INVALID_REQUEST,
                rejected(new BlockRequest.Read(0, 2049), big, new LeaseInfo(1L << 30, true, true)));
    }

    @Test
    void checksBuffers() throws BlockException {
        BlockRequestCheck.buffer(2, 512, 1124, 100);
        BlockRequestCheck.buffer(0, 512, 0, 0);
        for (int[] bad : new int[][] {{2, 512, 1123, 100}, {-1, 512, 100, 0}, {1, 512, 1024, -1},
                {Integer.MAX_VALUE, 4096, Integer.MAX_VALUE, 0}}) {
            BlockException e = assertThrows(BlockException.class,
                    () -> BlockRequestCheck.buffer(bad[0], bad[1], bad[2], bad[3]));
            assertEquals(BlockError.INVALID_REQUEST, e.error());
        }
    }
}
