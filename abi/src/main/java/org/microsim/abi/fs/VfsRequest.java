package org.microsim.abi.fs;

import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * What the VFS answers beyond the filesystem protocol ({@link FsRequest}, which it serves over its whole
 * namespace): the questions about the namespace itself. Ids follow the filesystem protocol's in its range;
 * strings are u16-length UTF-8; list replies are {@link org.microsim.abi.svc.Page}s.
 *
 * <pre>
 * id   request    inline bytes   reply payload
 * 520  MOUNTS     start u16      a page of {@link MountEntry}
 * 521  STATFS_AT  path str       {@link FsStats} of the filesystem holding path (a path under /vol/NAME)
 * 522  DEVICES    start u16      a page of {@link DeviceEntry}: every block device under /dev
 * </pre>
 *
 * Failures are {@code REPLY_ERROR} with an {@link FsError} code, as in the filesystem protocol.
 */
public sealed interface VfsRequest {
    int MOUNTS = MsgIds.FS_BASE + 20;
    int STATFS_AT = MsgIds.FS_BASE + 21;
    int DEVICES = MsgIds.FS_BASE + 22;

    /** The request as a message. */
    Message toMessage();

    /** Lists the mount table from entry {@code start}. */
    record Mounts(int start) implements VfsRequest {
        /** Checks the range. */
        public Mounts {
            checkStart(start);
        }

        @Override
        public Message toMessage() {
            return Message.of(MOUNTS, new WireWriter().u16(start).toByteArray());
        }
    }

    /** Sizes and free space of the filesystem that holds {@code path}. */
    record StatFsAt(String path) implements VfsRequest {
        @Override
        public Message toMessage() {
            return Message.of(STATFS_AT, new WireWriter().string(path).toByteArray());
        }
    }

    /** Lists the block devices from entry {@code start}. */
    record Devices(int start) implements VfsRequest {
        /** Checks the range. */
        public Devices {
            checkStart(start);
        }

        @Override
        public Message toMessage() {
            return Message.of(DEVICES, new WireWriter().u16(start).toByteArray());
        }
    }

    /** True when {@code msgId} is one of this protocol's. */
    static boolean isVfsRequest(int msgId) {
        return msgId == MOUNTS || msgId == STATFS_AT || msgId == DEVICES;
    }

    /**
     * Decodes a request.
     *
     * @throws MalformedException for another msg id, a wrong length, trailing bytes or bad UTF-8
     */
    static VfsRequest decode(Message message) throws MalformedException {
        WireReader r = message.reader();
        VfsRequest request = switch (message.msgId()) {
            case MOUNTS -> new Mounts(r.u16("start"));
            case STATFS_AT -> new StatFsAt(r.string("path"));
            case DEVICES -> new Devices(r.u16("start"));
            default -> throw new MalformedException("unknown vfs request id " + message.msgId());
        };
        r.end("vfs request " + message.msgId());
        return request;
    }

    private static void checkStart(int start) {
        if (start < 0 || start > 0xffff) {
            throw new IllegalArgumentException("start " + start + " is outside 0..65535");
        }
    }
}
