package org.microsim.drivers.fatfsd;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.LiveHandle;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.FsType;

/**
 * The FAT filesystem driver task: one task per FAT volume.
 *
 * <p>Start handle 0 is a send handle to the volume's block port (devd grants the FAT partition partd
 * registered). fatfsd mounts a {@link FatVolume} over a {@link BlockClient} on it and registers one port of
 * class FILESYSTEM: named {@code fat:<block port>} (the block port's name cut from the front when the whole
 * would pass 32 bytes, so the distinguishing tail, e.g. the partition number, stays), with the block port as
 * parent, the subclass the FAT variant's bits per entry ({@link #subclass}: 12, 16 or 32) and the READ_ONLY
 * cap when the volume is mounted read-only. Then it serves the filesystem protocol with {@link FatServer},
 * one call at a time, to any number of clients (file handles are the volume's, shared by all of them).
 *
 * <p>A volume that cannot be mounted (not FAT, corrupt boot sector, the disk does not answer) is logged with
 * the reason and the task ends normally: restarting it would fail the same way, so it must not crash-loop.
 *
 * <p>Writes become durable on SYNC, and also on their own once the volume has been idle for
 * {@link #WRITEBACK_DELAY} of virtual time after a change: a crash of fatfsd loses at most the changes of
 * that last moment and never leaves a half-written state ({@link FatVolume} guarantees this).
 */
public final class Fatfsd implements Program {
    /** How long one call to the block device may take. */
    static final Duration DISK_TIMEOUT = Duration.ofSeconds(30);
    /** Idle time after a change before the volume is synced without being asked. */
    static final Duration WRITEBACK_DELAY = Duration.ofSeconds(1);
    private static final String PREFIX = "fat:";

    @Override
    public void run(Sys sys) {
        // Restarted after partd was, fatfsd finds the partition's new port by name.
        Handle given = sys.start().handle(0);
        serve(sys, given == null ? null : LiveHandle.of(sys, given, DISK_TIMEOUT).orNull());
    }

    /** Mounts the volume behind {@code block} and serves it; returns only when it cannot be mounted. */
    static void serve(Sys sys, Handle block) {
        if (block == null) {
            sys.log("fatfsd: started without a block device handle; nothing to do");
            return;
        }
        HandleInfo device = sys.inspect(block).orNull();
        if (device == null) {
            sys.log("fatfsd: start handle 0 is not a usable handle; nothing to do");
            return;
        }
        FatVolume volume;
        try {
            volume = FatVolume.mount(BlockClient.open(sys, block, DISK_TIMEOUT), new FatClock(sys::now));
        } catch (BlockException e) {
            sys.log("fatfsd: cannot mount " + device.portName() + ": the device failed: " + e.getMessage());
            return;
        } catch (FsException e) {
            sys.log("fatfsd: cannot mount " + device.portName() + ": " + e.getMessage());
            return;
        }
        PortInfo info = new PortInfo(portName(device.portName()), PortClass.FILESYSTEM, subclass(volume.type()),
                device.portName(), 0, 0, volume.readOnlyReason() == null ? 0 : PortCaps.READ_ONLY, null);
        Result<Handle> port = sys.registerPort(info);
        if (!port.isOk()) {
            sys.log("fatfsd: cannot register " + info.name() + ": " + port.errorOrNull());
            return;
        }
        sys.log("fatfsd: " + info.name() + ": " + volume.type() + " volume '" + volume.label() + "'"
                + (volume.readOnlyReason() == null ? "" : ", read-only: " + volume.readOnlyReason()));
        loop(sys, port.orNull(), volume);
    }

    private static void loop(Sys sys, Handle port, FatVolume volume) {
        FatServer server = new FatServer(volume);
        boolean dirty = false;
        while (true) {
            Result<Received> next = sys.receive(dirty ? WRITEBACK_DELAY : Sys.FOREVER, port);
            if (next.code() == ErrorCode.TIMED_OUT) {
                writeBack(sys, volume);
                dirty = false;
                continue;
            }
            Received r = next.orThrow();
            if (!r.isCall()) {
                sys.log("fatfsd: ignored message " + r.msgId() + " that is not a call");
                continue;
            }
            dirty = dirty || changes(r.msgId());
            if (r.msgId() == FsRequest.SYNC) {
                dirty = false;
            }
            var sent = sys.reply(r.replyRight(), server.handle(r.message(), SysLease.of(sys, r)));
            if (!sent.isOk()) {
                sys.log("fatfsd: reply to " + r.sender() + " lost: " + sent.errorOrNull());
            }
        }
    }

    private static boolean changes(int msgId) {
        return switch (msgId) {
            case FsRequest.OPEN, FsRequest.WRITE, FsRequest.TRUNCATE, FsRequest.CLOSE, FsRequest.MKDIR,
                 FsRequest.UNLINK, FsRequest.RMDIR, FsRequest.RENAME -> true;
            default -> false;
        };
    }

    private static void writeBack(Sys sys, FatVolume volume) {
        try {
            volume.sync();
        } catch (FsException e) {
            sys.log("fatfsd: write-back failed: " + e.getMessage());
        }
    }

    /** The FILESYSTEM port's subclass: the FAT variant's bits per FAT entry, 12, 16 or 32. */
    public static int subclass(FsType type) {
        return type.code();
    }

    /** {@code fat:<block>}, the block name cut from the front (on a character boundary) to fit 32 bytes. */
    static String portName(String block) {
        int budget = PortInfo.MAX_NAME - PREFIX.length();
        int start = block.length();
        int bytes = 0;
        while (start > 0) {
            int cp = block.codePointBefore(start);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > budget) {
                break;
            }
            bytes += size;
            start -= Character.charCount(cp);
        }
        return PREFIX + block.substring(start);
    }
}
