package org.microsim.drivers.partd;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.Handle;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.Handler;
import org.microsim.abi.LiveHandle;
import org.microsim.abi.Lease;
import org.microsim.abi.Message;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Protocol;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockInfo;
import org.microsim.abi.block.BlockRequest;
import org.microsim.abi.block.BlockRequestCheck;

/**
 * The partition driver: one task per disk, serving each partition of that disk as a block port.
 *
 * <p>Start handle 0 is a send handle to the disk's block port. partd reads the partition table through a
 * {@link BlockClient}, logs every problem found, and registers one BLOCK port per partition: named
 * {@code <disk>p<index>} (the disk part shortened when the whole would pass 32 bytes, so the index is never
 * lost and names stay unique), the subclass from the table, the disk as parent, caps DMA (plus READ_ONLY
 * for a read-only disk), and the partition index as one metadata byte (two, little-endian, past 255).
 * Extended partitions are containers, not volumes, and get no port. A disk without a table is offered whole
 * when it holds a filesystem; otherwise partd has nothing to serve: it says so and idles. A disk that cannot be opened
 * (GET_INFO fails), or that fails a read of the table when nothing could be served, crashes partd, so its
 * supervisor restarts it under its restart contract.
 *
 * <p>Then it serves the block protocol on all those ports with the one server runtime ({@link Server}), which
 * decodes each call (anything malformed gets INVALID_REQUEST there and never reaches partd) and answers it with
 * what the handler returns or the code of the {@link BlockException} it throws. The port a call came on picks
 * the partition; the request is checked against the partition's own geometry with {@link BlockRequestCheck},
 * so a caller can never reach outside its partition; READ and WRITE go to the disk at the translated LBA with
 * the caller's lease forwarded ({@link Lease.Forward}), so the data moves between the caller and the disk
 * driver without a copy here; a failure of the disk is answered with the disk's own error. Every request gets
 * exactly one reply; nothing a caller sends can make partd throw.
 */
public final class Partd implements Program {
    /** How long an idle partd sleeps between looks at nothing. */
    private static final Duration IDLE = Duration.ofHours(1);
    /** The partition index of a whole disk offered as one partition. */
    static final int WHOLE_DISK = 0;

    /** How long one call to the disk may take. */
    static final Duration DISK_TIMEOUT = Duration.ofSeconds(30);

    /** A partition being served: its view of the disk (for the LBA translation) and the geometry it reports. */
    private record Served(Partition partition, PartitionView view, BlockInfo info) {
    }

    @Override
    public void run(Sys sys) throws BlockException {
        Handle given = sys.start().handle(0);
        if (given == null) {
            sys.log("partd: started without a disk handle; nothing to do");
            return;
        }
        // Restarted after the disk's driver was, partd finds the disk's new port by name.
        Handle diskHandle = LiveHandle.of(sys, given, DISK_TIMEOUT).orThrow();
        HandleInfo disk = sys.inspect(diskHandle).orThrow();
        BlockClient client = BlockClient.open(sys, diskHandle, DISK_TIMEOUT);
        Noting noting = new Noting(client);
        PartitionTable table = PartitionTableReader.read(noting);
        for (String problem : table.problems()) {
            sys.log("partd: " + disk.portName() + ": " + problem);
        }
        if (table.scheme() == PartitionTable.Scheme.NONE) {
            table = whole(disk, client);
        }
        Map<Handle, Served> served = register(sys, disk.portName(), client, table);
        if (served.isEmpty() && noting.failed != null) {
            // The disk failed a read of the table, which is not a disk without one: a transient error (a command
            // the drive never answered, reset since) would leave the disk's partitions unserved for good. Crash,
            // so the supervisor starts partd again under its restart contract, as when the disk cannot be opened.
            throw noting.failed;
        }
        if (served.isEmpty()) {
            // Exiting would look like a failure to the supervisor, which would start partd again, forever: stay
            // bound to the disk with nothing to offer, as a driver for an empty slot would.
            sys.log("partd: " + disk.portName() + ": no partition table and no filesystem to offer");
            while (true) {
                sys.sleep(IDLE).orThrow();
            }
        }
        Server.serve(sys, new Partitions(client, served), served.keySet().toArray(Handle[]::new));
    }

    /**
     * A disk without a partition table is offered whole when it holds a filesystem (a FAT volume made straight
     * on the disk, as mkfs.fat does without partitioning), as partition {@value #WHOLE_DISK}. Only a whole
     * disk is: a partition without a table inside is left alone, or partd would nest without end.
     */
    private static PartitionTable whole(HandleInfo disk, BlockClient client) throws BlockException {
        if (!PortSubclass.isWholeDisk(disk.info().subclass()) || client.blockCount() == 0) {
            return new PartitionTable(PartitionTable.Scheme.NONE, List.of(), List.of());
        }
        byte[] first = new byte[client.blockSize()];
        client.read(0, 1, first, 0);
        int subclass = FatSniffer.subclass(first);
        if (!PortSubclass.isFat(subclass)) {
            return new PartitionTable(PartitionTable.Scheme.NONE, List.of(), List.of());
        }
        Partition p = new Partition(WHOLE_DISK, 0, client.blockCount(), new PartitionType.Mbr(0), subclass,
                "whole disk", "");
        return new PartitionTable(PartitionTable.Scheme.NONE, List.of(p), List.of());
    }

    private static Map<Handle, Served> register(Sys sys, String diskName, BlockClient client, PartitionTable table) {
        Map<Handle, Served> served = new LinkedHashMap<>();
        int caps = PortCaps.DMA | (client.readOnly() ? PortCaps.READ_ONLY : 0);
        for (Partition p : table.partitions()) {
            if (p.type() instanceof PartitionType.Mbr m && MbrTypes.isExtended(m.code())) {
                continue;
            }
            PortInfo info = new PortInfo(portName(diskName, p.index()), PortClass.BLOCK, p.subclass(), diskName, 0, 0,
                    caps, indexMetadata(p.index()));
            var port = sys.registerPort(info);
            if (port.isOk()) {
                served.put(port.orNull(), new Served(p, PartitionView.of(client, p),
                        new BlockInfo(client.blockSize(), p.blockCount(), client.readOnly())));
                sys.log("partd: " + info.name() + ": " + p.typeName() + ", " + p.blockCount() + " blocks at LBA "
                        + p.firstLba());
            } else {
                sys.log("partd: cannot register " + info.name() + ": " + port.errorOrNull());
            }
        }
        return served;
    }

    /** The disk as the table reader sees it (which turns failed reads into problems), noting the first failure. */
    private static final class Noting implements BlockDevice {
        private final BlockDevice disk;
        private BlockException failed;

        Noting(BlockDevice disk) {
            this.disk = disk;
        }

        @Override
        public int blockSize() {
            return disk.blockSize();
        }

        @Override
        public long blockCount() {
            return disk.blockCount();
        }

        @Override
        public boolean readOnly() {
            return disk.readOnly();
        }

        @Override
        public void read(long lba, int count, byte[] dst, int offset) throws BlockException {
            try {
                disk.read(lba, count, dst, offset);
            } catch (BlockException e) {
                if (failed == null) {
                    failed = e;
                }
                throw e;
            }
        }

        @Override
        public void write(long lba, int count, byte[] src, int offset) throws BlockException {
            disk.write(lba, count, src, offset);
        }

        @Override
        public void flush() throws BlockException {
            disk.flush();
        }
    }

    /** {@code <disk>p<index>}, the disk part cut (on a character boundary) so that the whole fits 32 bytes. */
    static String portName(String diskName, int index) {
        String suffix = "p" + index;
        int budget = PortInfo.MAX_NAME - suffix.length();
        StringBuilder kept = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < diskName.length(); ) {
            int cp = diskName.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > budget) {
                break;
            }
            kept.appendCodePoint(cp);
            bytes += size;
            i += Character.charCount(cp);
        }
        return kept + suffix;
    }

    /** The partition index as one byte; a GPT can number past 255, and those get a little-endian u16. */
    static byte[] indexMetadata(int index) {
        return index <= 0xff ? new byte[] {(byte) index} : new byte[] {(byte) index, (byte) (index >>> 8)};
    }

    /**
     * The handler of the partition ports: the port a call came on picks the partition, whose own geometry the
     * request is checked against before it is translated and forwarded to the disk.
     */
    private record Partitions(BlockClient disk, Map<Handle, Served> served) implements Handler<BlockRequest<?>> {
        @Override
        public Protocol<BlockRequest<?>, ?> protocol() {
            return BlockRequest.PROTOCOL;
        }

        @Override
        public Message handle(BlockRequest<?> request, Received call) throws BlockException {
            Served target = served.get(call.port());
            BlockRequestCheck.check(request, target.info(), call.lease());
            switch (request) {
                case BlockRequest.GetInfo g -> {
                    return target.info().toMessage();
                }
                case BlockRequest.Flush f -> disk.flush();
                case BlockRequest.Read read -> disk.forward(new BlockRequest.Read(
                        target.view().translate(read.lba(), read.count()), read.count()),
                        window(call, read.count(), target, false, true));
                case BlockRequest.Write write -> disk.forward(new BlockRequest.Write(
                        target.view().translate(write.lba(), write.count()), write.count()),
                        window(call, write.count(), target, true, false));
            }
            return Replies.ok();
        }

        /** The caller's lease, narrowed to exactly the bytes of the transfer and to the one right it needs. */
        private static Lease window(Received call, int count, Served target, boolean readable, boolean writable) {
            return new Lease.Forward(call.replyRight(), 0, (long) count * target.info().blockSize(), readable,
                    writable);
        }
    }
}
