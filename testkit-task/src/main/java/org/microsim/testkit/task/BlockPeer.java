package org.microsim.testkit.task;

import org.microsim.abi.Lease;
import org.microsim.abi.LeaseInfo;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockInfo;
import org.microsim.abi.block.BlockRequest;
import org.microsim.abi.block.BlockRequestCheck;

/**
 * A block driver as a {@link ScriptedSys.Peer}: what a task under a {@link ScriptedSys} calls when it was given a
 * disk. It answers the block protocol over {@code device} as a real driver would, every request checked, data
 * moved straight between the device and the call's lease (a forwarded lease is the scripted caller's buffer).
 *
 * @param device the disk behind the port
 */
public record BlockPeer(BlockDevice device) implements ScriptedSys.Peer {
    @Override
    public Message call(Message message, Lease.Buffer lease) {
        try {
            return answer(message, lease);
        } catch (MalformedException e) {
            return Replies.error(BlockError.INVALID_REQUEST.code(), e.getMessage());
        } catch (BlockException e) {
            return Replies.error(e);
        }
    }

    private Message answer(Message message, Lease.Buffer lease) throws MalformedException, BlockException {
        BlockInfo info = new BlockInfo(device.blockSize(), device.blockCount(), device.readOnly());
        BlockRequest<?> request = BlockRequest.decode(message);
        BlockRequestCheck.check(request, info,
                lease == null ? null : new LeaseInfo(lease.length(), lease.readable(), lease.writable()));
        switch (request) {
            case BlockRequest.GetInfo g -> {
                return info.toMessage();
            }
            case BlockRequest.Read r -> device.read(r.lba(), r.count(), lease.buffer(), lease.offset());
            case BlockRequest.Write w -> device.write(w.lba(), w.count(), lease.buffer(), lease.offset());
            case BlockRequest.Flush f -> device.flush();
        }
        return Replies.ok();
    }
}
