package org.microsim.drivers.partd;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.Handle;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.LiveHandle;
import org.microsim.abi.Lease;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockProtocol;
import org.microsim.abi.block.BlockRequestCheck;

/**
 * The partition driver: one task per disk, serving each partition of that disk as a block port.
 *
 * <p>Start handle 0 is a send handle to the disk's block port. partd reads the partition table through a
 * {@link BlockClient}, logs every problem found, and registers one BLOCK port per partition: named
 * {@code <disk>p<index>} (the disk part shortened when the whole would pass 32 bytes, so the index is never
 * lost and names stay unique), the subclass from the table, the disk as parent, caps DMA (plus READ_ONLY
 * for a read-only disk), and the partition index as one metadata byte (two, little-endian, past 255).
 * Extended partitions are containers, not volumes, and get no port. A disk without a table has nothing for
 * partd to serve: it says so and ends. A disk that cannot be opened (GET_INFO fails) crashes partd, so its
 * supervisor restarts it under its restart contract.
 *
 * <p>Then it serves the block protocol on those ports. Each request is decoded and checked against the
 * partition's own geometry with {@link BlockRequestCheck}, so a caller can never reach outside its
 * partition; READ and WRITE go to the disk at the translated LBA with the caller's lease forwarded
 * ({@link Lease.Forward}), so the data moves between the caller and the disk driver without a copy here.
 * Every request gets exactly one reply, an error reply for anything bad; nothing a caller sends can make
 * partd throw.
 */
public final class Partd implements Program {
    /** How long an idle partd sleeps between looks at nothing. */
    private static final Duration IDLE = Duration.ofHours(1);
    /** The partition index of a whole disk offered as one partition. */
    static final int WHOLE_DISK = 0;

    /** How long one call to the disk may take. */
    static final Duration DISK_TIMEOUT = Duration.ofSeconds(30);

    /** A partition being served: its view of the disk (for the LBA translation) and the geometry it reports. */
    private record Served(Partition partition, PartitionView view, BlockProtocol.Info info) {
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
        PartitionTable table = PartitionTableReader.read(client);
        for (String problem : table.problems()) {
            sys.log("partd: " + disk.portName() + ": " + problem);
        }
        if (table.scheme() == PartitionTable.Scheme.NONE) {
            table = whole(disk, client);
        }
        Map<Handle, Served> served = register(sys, disk.portName(), client, table);
        if (served.isEmpty()) {
            // Exiting would look like a failure to the supervisor, which would start partd again, forever: stay
            // bound to the disk with nothing to offer, as a driver for an empty slot would.
            sys.log("partd: " + disk.portName() + ": no partition table and no filesystem to offer");
            while (true) {
                sys.sleep(IDLE).orThrow();
            }
        }
        Handle[] ports = served.keySet().toArray(Handle[]::new);
        while (true) {
            Received r = sys.receive(Sys.FOREVER, ports).orThrow();
            Served target = served.get(r.port());
            if (!r.isCall() || target == null) {
                sys.log("partd: ignored message " + r.msgId() + " that is not a call to a partition port");
                continue;
            }
            var sent = sys.reply(r.replyRight(), serve(client, target, r));
            if (!sent.isOk()) {
                sys.log("partd: reply to " + r.sender() + " lost: " + sent.errorOrNull());
            }
        }
    }

    /**
     * A disk without a partition table is offered whole when it holds a filesystem (a FAT volume made straight
     * on the disk, as mkfs.fat does without partitioning), as partition {@value #WHOLE_DISK}. Only a whole
     * disk is: a partition without a table inside is left alone, or partd would nest without end.
     */
    private static PartitionTable whole(HandleInfo disk, BlockClient client) throws BlockException {
        if (disk.info().subclass() != PortSubclass.BLOCK_RAW || client.blockCount() == 0) {
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
                        new BlockProtocol.Info(client.blockSize(), p.blockCount(), client.readOnly())));
                sys.log("partd: " + info.name() + ": " + p.typeName() + ", " + p.blockCount() + " blocks at LBA "
                        + p.firstLba());
            } else {
                sys.log("partd: cannot register " + info.name() + ": " + port.errorOrNull());
            }
        }
        return served;
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

    private static Message serve(BlockClient client, Served target, Received r) {
        try {
            BlockProtocol.Request request = BlockProtocol.decode(r.message());
            BlockRequestCheck.check(request, target.info(), r.lease());
            return switch (request) {
                case BlockProtocol.GetInfo g -> Replies.ok(target.info().encode());
                case BlockProtocol.Flush f -> {
                    client.flush();
                    yield Replies.ok();
                }
                case BlockProtocol.Read read -> {
                    client.forward(new BlockProtocol.Read(target.view().translate(read.lba(), read.count()),
                            read.count()), window(r, read.count(), target, false, true));
                    yield Replies.ok();
                }
                case BlockProtocol.Write write -> {
                    client.forward(new BlockProtocol.Write(target.view().translate(write.lba(), write.count()),
                            write.count()), window(r, write.count(), target, true, false));
                    yield Replies.ok();
                }
            };
        } catch (MalformedException e) {
            return BlockProtocol.errorReply(e);
        } catch (BlockException e) {
            return BlockProtocol.errorReply(e);
        }
    }

    /** The caller's lease, narrowed to exactly the bytes of the transfer and to the one right it needs. */
    private static Lease window(Received r, int count, Served target, boolean readable, boolean writable) {
        return new Lease.Forward(r.replyRight(), 0, (long) count * target.info().blockSize(), readable, writable);
    }
}
