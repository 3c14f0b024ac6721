package org.microsim.services.vfs;

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
import org.microsim.abi.Rights;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockInfo;
import org.microsim.abi.block.BlockRequest;
import org.microsim.abi.block.BlockRequestCheck;
import org.microsim.abi.devd.DriverAvailable;

/**
 * A test block driver: a public BLOCK port of 512-byte blocks over the test's byte array, which announces
 * itself to the VFS with a msg 100 notice (as devd would) and then serves the block protocol.
 */
record AnnouncedDisk(String name, byte[] bytes) implements Program {
    @Override
    public void run(Sys sys) {
        Handle port = sys.registerPort(PortInfo.of(name, PortClass.BLOCK, 0)).orThrow();
        Handle vfs = sys.lookup("vfs", Duration.ofSeconds(30)).orThrow();
        Handle grant = sys.duplicate(port, Rights.SEND_GRANT).orThrow();
        sys.send(vfs, new DriverAvailable(sys.inspect(port).orThrow().portId(), grant).toMessage()).orThrow();
        Server.serve(sys, new Disk(sys, bytes), port);
    }

    /** The block protocol over the array, on the one server runtime. */
    private record Disk(Sys sys, byte[] bytes) implements Handler<BlockRequest<?>> {
        @Override
        public Protocol<BlockRequest<?>, ?> protocol() {
            return BlockRequest.PROTOCOL;
        }

        @Override
        public Message handle(BlockRequest<?> request, Received call) throws BlockException {
            BlockInfo info = new BlockInfo(512, bytes.length / 512, false);
            BlockRequestCheck.check(request, info, call.lease());
            boolean copied = switch (request) {
                case BlockRequest.GetInfo g -> true;
                case BlockRequest.Flush f -> true;
                case BlockRequest.Read read -> sys.leaseWrite(call.replyRight(), 0, bytes, (int) read.lba() * 512,
                        read.count() * 512).isOk();
                case BlockRequest.Write write -> sys.leaseRead(call.replyRight(), 0, bytes, (int) write.lba() * 512,
                        write.count() * 512).isOk();
            };
            if (!copied) {
                throw new BlockException(BlockError.IO_ERROR, "lease copy failed");
            }
            return request instanceof BlockRequest.GetInfo ? info.toMessage() : Replies.ok();
        }
    }
}
