package org.microsim.abi.fs;

import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Protocol;
import org.microsim.abi.Request;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;
import org.microsim.abi.svc.Page;

/**
 * What the VFS serves: the filesystem protocol ({@link FsRequest}) over its whole namespace, and the
 * questions about the namespace itself. Ids follow the filesystem protocol's in its range; strings are
 * u16-length UTF-8; list replies are {@link Page}s.
 *
 * <pre>
 * id   request    inline bytes   reply payload
 * 520  MOUNTS     start u16      a page of {@link MountEntry}
 * 521  STATFS_AT  path str       {@link FsStats} of the filesystem holding path (a path under /vol/NAME)
 * 522  DEVICES    start u16      a page of {@link DeviceEntry}: every block device under /dev
 * </pre>
 *
 * Failures are {@code REPLY_ERROR} with an {@link FsError} code, as in the filesystem protocol.
 *
 * @param <T> what the OK reply carries
 */
public sealed interface VfsRequest<T> extends Request<T, FsException>
        permits FsRequest, VfsRequest.Mounts, VfsRequest.StatFsAt, VfsRequest.Devices {
    int MOUNTS = MsgIds.FS_BASE + 20;
    int STATFS_AT = MsgIds.FS_BASE + 21;
    int DEVICES = MsgIds.FS_BASE + 22;

    /** The protocol the VFS serves: the filesystem protocol's errors, the requests of both. */
    Protocol<VfsRequest<?>, FsException> PROTOCOL = Protocol.of("vfs", VfsRequest::decode,
            FsException::of, FsException::new, FsError.INVALID_REQUEST.code(), FsError.IO_ERROR.code());

    @Override
    default Protocol<?, FsException> protocol() {
        return PROTOCOL;
    }

    /** Lists the mount table from entry {@code start}. */
    record Mounts(int start) implements VfsRequest<Page<MountEntry>> {
        /** Checks the range. */
        public Mounts {
            Page.checkStart(start);
        }

        @Override
        public Message toMessage() {
            return Message.of(MOUNTS, new WireWriter().u16(start).toByteArray());
        }

        @Override
        public Page<MountEntry> decodeReply(Message reply) throws MalformedException {
            return Page.decode(reply, MountEntry::read);
        }
    }

    /** Sizes and free space of the filesystem that holds {@code path}. */
    record StatFsAt(String path) implements VfsRequest<FsStats> {
        @Override
        public Message toMessage() {
            return Message.of(STATFS_AT, new WireWriter().string(path).toByteArray());
        }

        @Override
        public FsStats decodeReply(Message reply) throws MalformedException {
            return FsStats.decode(reply);
        }
    }

    /** Lists the block devices from entry {@code start}. */
    record Devices(int start) implements VfsRequest<Page<DeviceEntry>> {
        /** Checks the range. */
        public Devices {
            Page.checkStart(start);
        }

        @Override
        public Message toMessage() {
            return Message.of(DEVICES, new WireWriter().u16(start).toByteArray());
        }

        @Override
        public Page<DeviceEntry> decodeReply(Message reply) throws MalformedException {
            return Page.decode(reply, DeviceEntry::read);
        }
    }

    /**
     * Decodes a request of either protocol.
     *
     * @throws MalformedException for an unknown msg id, a wrong length, trailing bytes, bad UTF-8 or handles
     */
    static VfsRequest<?> decode(Message message) throws MalformedException {
        if (message.msgId() < MOUNTS) {
            return FsRequest.decode(message);
        }
        WireReader r = message.reader();
        VfsRequest<?> request = switch (message.msgId()) {
            case MOUNTS -> new Mounts(r.u16("start"));
            case STATFS_AT -> new StatFsAt(r.string("path"));
            case DEVICES -> new Devices(r.u16("start"));
            default -> throw new MalformedException("unknown vfs request id " + message.msgId());
        };
        r.end("vfs request " + message.msgId());
        if (!message.handles().isEmpty()) {
            throw new MalformedException("vfs request " + message.msgId() + " carries no handles");
        }
        return request;
    }
}
