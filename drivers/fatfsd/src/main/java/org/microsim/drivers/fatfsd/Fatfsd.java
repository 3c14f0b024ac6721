package org.microsim.drivers.fatfsd;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.microsim.abi.Handle;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.Handler;
import org.microsim.abi.LiveHandle;
import org.microsim.abi.Message;
import org.microsim.abi.Notice;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.Program;
import org.microsim.abi.Protocol;
import org.microsim.abi.Received;
import org.microsim.abi.Result;
import org.microsim.abi.Server;
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
 * cap when the volume is mounted read-only. Then it serves the filesystem protocol on the one server runtime
 * ({@link Server}) with {@link FatServer} behind it, one call at a time, to any number of clients (file
 * handles are the volume's, shared by all of them).
 *
 * <p>A volume that cannot be mounted (not FAT, corrupt boot sector, the disk does not answer) is logged with
 * the reason and the task ends normally: restarting it would fail the same way, so it must not crash-loop.
 *
 * <p>What a client was told is done is on the disk: a close after writing, a mkdir, a removal or a rename is
 * answered only once the volume is synced (close-to-open as NFS and AFS: a file written and closed is durable,
 * and the namespace changes at once, as a {@code dirsync} mount). So a crash of fatfsd, or of any driver below
 * it, loses nothing a client saw acknowledged: at most the writes to a file still open. Those become durable on
 * SYNC, on close, and also on their own once the volume has been idle for {@link #WRITEBACK_DELAY} of virtual
 * time; a crash never leaves a half-written state ({@link FatVolume} guarantees this).
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
        Server.serve(sys, new FatHandler(sys, volume), port.orNull());
    }

    /**
     * The task's handler: each request goes to {@link FatServer}; the write-back is the runtime's wake-up. While
     * the volume has changes not yet synced, every request moves the wake-up to {@link #WRITEBACK_DELAY} after
     * it, so the volume is written back once it has been idle that long (one that is never idle that long is
     * made durable by SYNC and by the volume's own cache limits).
     */
    private static final class FatHandler implements Handler<FsRequest<?>> {
        private final Sys sys;
        private final FatVolume volume;
        private final FatServer server;
        /** True while a request may have changed the volume since the last sync. */
        private boolean dirty;
        private long wakeAt = Long.MAX_VALUE;

        FatHandler(Sys sys, FatVolume volume) {
            this.sys = sys;
            this.volume = volume;
            this.server = new FatServer(volume);
        }

        @Override
        public Protocol<FsRequest<?>, ?> protocol() {
            return FsRequest.PROTOCOL;
        }

        @Override
        public Message handle(FsRequest<?> request, Received call) throws FsException {
            if (request instanceof FsRequest.Sync) {
                dirty = false;
            } else {
                dirty = dirty || changes(request);
            }
            try {
                Message reply = server.handle(request, SysLease.of(sys, call));
                if (dirty && acknowledgesDurably(request)) {
                    volume.sync();
                    dirty = false;
                }
                return reply;
            } finally {
                // The idle time starts when the request is done, whether it succeeded or not.
                wakeAt = dirty ? sys.now() + WRITEBACK_DELAY.toNanos() : Long.MAX_VALUE;
            }
        }

        /** The requests whose success is only answered once it is on the disk. */
        private static boolean acknowledgesDurably(FsRequest<?> request) {
            return request instanceof FsRequest.Close || request instanceof FsRequest.Mkdir
                    || request instanceof FsRequest.Unlink || request instanceof FsRequest.Rmdir
                    || request instanceof FsRequest.Rename;
        }

        @Override
        public boolean notice(Notice notice) {
            if (!(notice instanceof Notice.Deadline)) {
                return false;
            }
            try {
                volume.sync();
            } catch (FsException e) {
                sys.log("fatfsd: write-back failed: " + e.getMessage());
            }
            dirty = false;
            wakeAt = Long.MAX_VALUE;
            return true;
        }

        @Override
        public long wakeAt() {
            return wakeAt;
        }

        /** Whether a request may leave changes that only a sync makes durable. */
        private static boolean changes(FsRequest<?> request) {
            return switch (request) {
                case FsRequest.Open o -> true;
                case FsRequest.Write w -> true;
                case FsRequest.Truncate t -> true;
                case FsRequest.Close c -> true;
                case FsRequest.Mkdir m -> true;
                case FsRequest.Unlink u -> true;
                case FsRequest.Rmdir r -> true;
                case FsRequest.Rename r -> true;
                case FsRequest.Read r -> false;
                case FsRequest.Stat s -> false;
                case FsRequest.ReadDir d -> false;
                case FsRequest.Sync s -> false;
                case FsRequest.StatFs s -> false;
            };
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
