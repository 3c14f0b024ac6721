package org.microsim.services.vfs;

import java.time.Duration;
import org.microsim.abi.Handle;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Rights;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockProtocol;
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
        sys.send(vfs, new DriverAvailable(sys.inspect(port).orThrow().portId(), grant).encode()).orThrow();
        BlockProtocol.Info info = new BlockProtocol.Info(512, bytes.length / 512, false);
        while (true) {
            Received r = sys.receive(Sys.FOREVER, port).orThrow();
            if (r.isCall()) {
                sys.reply(r.replyRight(), serve(sys, r, info));
            }
        }
    }

    private Message serve(Sys sys, Received r, BlockProtocol.Info info) {
        try {
            BlockProtocol.Request request = BlockProtocol.decode(r.message());
            BlockRequestCheck.check(request, info, r.lease());
            boolean copied = switch (request) {
                case BlockProtocol.GetInfo g -> true;
                case BlockProtocol.Flush f -> true;
                case BlockProtocol.Read read -> sys.leaseWrite(r.replyRight(), 0, bytes, (int) read.lba() * 512,
                        read.count() * 512).isOk();
                case BlockProtocol.Write write -> sys.leaseRead(r.replyRight(), 0, bytes, (int) write.lba() * 512,
                        write.count() * 512).isOk();
            };
            if (!copied) {
                throw new BlockException(BlockError.IO_ERROR, "lease copy failed");
            }
            return request instanceof BlockProtocol.GetInfo ? Replies.ok(info.encode()) : Replies.ok();
        } catch (MalformedException e) {
            return BlockProtocol.errorReply(e);
        } catch (BlockException e) {
            return BlockProtocol.errorReply(e);
        }
    }
}
