package org.microsim.drivers.fatfsd;

import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.abi.MalformedException;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockProtocol;
import org.microsim.abi.block.BlockRequestCheck;

/**
 * A test block server: a public BLOCK port of 512-byte blocks over a byte array the test keeps. Shared with
 * the harness's tests through this module's test-jar.
 */
public record ArrayDisk(String name, int subclass, byte[] bytes) implements Program {
    @Override
    public void run(Sys sys) {
        Handle port = sys.registerPort(PortInfo.of(name, PortClass.BLOCK, subclass)).orThrow();
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
            switch (request) {
                case BlockProtocol.GetInfo g -> {
                    return Replies.ok(info.encode());
                }
                case BlockProtocol.Flush f -> {
                    return Replies.ok();
                }
                case BlockProtocol.Read read -> copy(sys.leaseWrite(r.replyRight(), 0, bytes,
                        (int) read.lba() * 512, read.count() * 512).isOk());
                case BlockProtocol.Write write -> copy(sys.leaseRead(r.replyRight(), 0, bytes,
                        (int) write.lba() * 512, write.count() * 512).isOk());
            }
            return Replies.ok();
        } catch (MalformedException e) {
            return BlockProtocol.errorReply(e);
        } catch (BlockException e) {
            return BlockProtocol.errorReply(e);
        }
    }

    private static void copy(boolean ok) throws BlockException {
        if (!ok) {
            throw new BlockException(BlockError.IO_ERROR, "lease copy failed");
        }
    }
}
