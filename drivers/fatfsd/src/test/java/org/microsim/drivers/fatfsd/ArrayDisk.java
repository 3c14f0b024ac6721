package org.microsim.drivers.fatfsd;

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
import org.microsim.abi.Server;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockInfo;
import org.microsim.abi.block.BlockRequest;
import org.microsim.abi.block.BlockRequestCheck;

/**
 * A test block server: a public BLOCK port of 512-byte blocks over a byte array the test keeps, served by the
 * server runtime. Shared with the harness's tests through this module's test-jar.
 */
public record ArrayDisk(String name, int subclass, byte[] bytes) implements Program {
    @Override
    public void run(Sys sys) {
        Handle port = sys.registerPort(PortInfo.of(name, PortClass.BLOCK, subclass)).orThrow();
        Server.serve(sys, new Blocks(sys, new BlockInfo(512, bytes.length / 512, false), bytes), port);
    }

    /** The block protocol over the array: every request checked, data copied straight to or from the lease. */
    private record Blocks(Sys sys, BlockInfo info, byte[] bytes) implements Handler<BlockRequest<?>> {
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
                case BlockRequest.Flush f -> {
                }
                case BlockRequest.Read read -> copied(sys.leaseWrite(call.replyRight(), 0, bytes,
                        (int) read.lba() * 512, read.count() * 512));
                case BlockRequest.Write write -> copied(sys.leaseRead(call.replyRight(), 0, bytes,
                        (int) write.lba() * 512, write.count() * 512));
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
