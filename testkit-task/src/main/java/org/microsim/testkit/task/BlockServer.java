package org.microsim.testkit.task;

import java.time.Duration;
import org.microsim.abi.Handle;
import org.microsim.abi.Handler;
import org.microsim.abi.Message;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.Program;
import org.microsim.abi.Protocol;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Rights;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockInfo;
import org.microsim.abi.block.BlockRequest;
import org.microsim.abi.block.BlockRequestCheck;
import org.microsim.abi.devd.DriverAvailable;

/**
 * A block driver for tests: a task that serves a {@link BlockDevice} the test holds (a {@link MemoryDisk}, a
 * {@link FileDisk}) on a public BLOCK port, with the block protocol on the one server runtime, so a filesystem
 * driver or the VFS can be tested in a real kernel without the AHCI model and its driver below it. Every request
 * is checked as a real driver checks it; data moves between the device and the caller's lease.
 *
 * <p>Without devd, nobody tells a service that the disk is there: {@link #announcedTo} makes the server send
 * the msg 100 notice ({@link DriverAvailable}) to a service itself before it serves, as devd would.
 *
 * @param name       the port's name
 * @param subclass   the port's BLOCK subclass ({@code PortSubclass.BLOCK_*})
 * @param device     what is served
 * @param announceTo the public port of a service to send the msg 100 notice to, or null for none
 */
public record BlockServer(String name, int subclass, BlockDevice device, String announceTo) implements Program {
    private static final Duration LOOKUP = Duration.ofSeconds(30);

    /** A server of {@code device} on a port named {@code name}, announced to nobody. */
    public BlockServer(String name, int subclass, BlockDevice device) {
        this(name, subclass, device, null);
    }

    /** The same server, sending the msg 100 notice to the service on port {@code service} before it serves. */
    public BlockServer announcedTo(String service) {
        return new BlockServer(name, subclass, device, service);
    }

    @Override
    public void run(Sys sys) {
        Handle port = sys.registerPort(PortInfo.of(name, PortClass.BLOCK, subclass)).orThrow();
        if (announceTo != null) {
            Handle service = sys.lookup(announceTo, LOOKUP).orThrow();
            Handle grant = sys.duplicate(port, Rights.SEND_GRANT).orThrow();
            sys.send(service, new DriverAvailable(sys.inspect(port).orThrow().portId(), grant).toMessage()).orThrow();
        }
        BlockInfo info = new BlockInfo(device.blockSize(), device.blockCount(), device.readOnly());
        Server.serve(sys, new Blocks(sys, info, device), port);
    }

    /** The block protocol over the device: every request checked, data copied through the caller's lease. */
    private record Blocks(Sys sys, BlockInfo info, BlockDevice device) implements Handler<BlockRequest<?>> {
        @Override
        public Protocol<BlockRequest<?>, ?> protocol() {
            return BlockRequest.PROTOCOL;
        }

        @Override
        public Message handle(BlockRequest<?> request, Received call) throws BlockException {
            BlockRequestCheck.check(request, info, call.lease());
            switch (request) {
                case BlockRequest.GetInfo g -> {
                    return info.toMessage();
                }
                case BlockRequest.Flush f -> device.flush();
                case BlockRequest.Read read -> {
                    byte[] data = new byte[read.count() * info.blockSize()];
                    device.read(read.lba(), read.count(), data, 0);
                    copied(sys.leaseWrite(call.replyRight(), 0, data, 0, data.length));
                }
                case BlockRequest.Write write -> {
                    byte[] data = new byte[write.count() * info.blockSize()];
                    copied(sys.leaseRead(call.replyRight(), 0, data, 0, data.length));
                    device.write(write.lba(), write.count(), data, 0);
                }
            }
            return Replies.ok();
        }

        private static void copied(Result<Integer> copy) throws BlockException {
            if (!copy.isOk()) {
                throw new BlockException(BlockError.IO_ERROR, "lease copy failed: " + copy.errorOrNull());
            }
        }
    }
}
