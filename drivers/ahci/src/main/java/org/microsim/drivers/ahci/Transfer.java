package org.microsim.drivers.ahci;

import static org.microsim.drivers.ahci.Registers.ATA_READ_DMA_EXT;
import static org.microsim.drivers.ahci.Registers.ATA_WRITE_DMA_EXT;
import static org.microsim.drivers.ahci.Registers.SECTOR;

import java.util.ArrayDeque;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;

/**
 * A block request being served: the commands it was split into that wait for a slot, how many are in
 * flight, and the first failure. It is answered exactly once, when nothing of it is in flight any more and
 * either every command completed or one failed (then the rest are not issued): so a caller never hears
 * "done" while the disk is still moving its data.
 */
final class Transfer {
    private final ReplyRight right;
    private final ArrayDeque<Command> unissued = new ArrayDeque<>();
    private int inFlight;
    private BlockException failure;
    private boolean answered;

    private Transfer(ReplyRight right) {
        this.right = right;
    }

    /** A READ or WRITE split into commands of at most {@code maxSectors} sectors each. */
    static Transfer data(ReplyRight right, long lba, int count, boolean write, int maxSectors) {
        Transfer t = new Transfer(right);
        int opcode = write ? ATA_WRITE_DMA_EXT : ATA_READ_DMA_EXT;
        for (int done = 0; done < count; ) {
            int n = Math.min(maxSectors, count - done);
            t.unissued.add(new Command(opcode, lba + done, n, n * SECTOR, t, (long) done * SECTOR));
            done += n;
        }
        return t;
    }

    /** A FLUSH: one FLUSH CACHE EXT. */
    static Transfer flush(ReplyRight right) {
        Transfer t = new Transfer(right);
        t.unissued.add(Command.flush(t));
        return t;
    }

    ReplyRight right() {
        return right;
    }

    /** The next command to issue, or null when all are issued or the request already failed. */
    Command next() {
        return failure == null ? unissued.poll() : null;
    }

    /** True while there is a command worth a slot. */
    boolean hasNext() {
        return failure == null && !unissued.isEmpty();
    }

    void issued() {
        inFlight++;
    }

    /** One of its commands left its slot, done or failed. */
    void retired() {
        inFlight--;
    }

    /** Records why the request failed; the first reason is the one the caller hears. */
    void fail(BlockError error, String why) {
        if (failure == null) {
            failure = new BlockException(error, why);
        }
    }

    /** The reply, once the request is finished and not yet answered; null otherwise. Answers at most once. */
    Message takeReply() {
        if (answered || inFlight > 0 || failure == null && !unissued.isEmpty()) {
            return null;
        }
        answered = true;
        return failure == null ? Replies.ok() : Replies.error(failure);
    }
}
