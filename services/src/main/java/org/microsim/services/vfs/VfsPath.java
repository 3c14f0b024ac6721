package org.microsim.services.vfs;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;

/**
 * A path of the VFS namespace, resolved lexically ("." dropped, ".." climbs, never above the root) into what
 * serves it:
 *
 * <pre>
 * /                    Root      the VFS: lists dev and vol
 * /dev                 DevDir    the VFS: lists the block devices
 * /dev/NAME            Dev       the VFS: the bytes of block device NAME
 * /vol                 VolDir    the VFS: lists the mount points
 * /vol/NAME[/REST]     InMount   the filesystem mounted as NAME, asked for /REST
 * </pre>
 */
sealed interface VfsPath {
    /** The root directory. */
    record Root() implements VfsPath {
    }

    /** /dev. */
    record DevDir() implements VfsPath {
    }

    /** /vol. */
    record VolDir() implements VfsPath {
    }

    /** /dev/NAME. */
    record Dev(String name) implements VfsPath {
    }

    /** /vol/NAME/REST: {@code rest} starts with '/' ("/" for the mount's root). */
    record InMount(String mount, String rest) implements VfsPath {
        boolean isMountRoot() {
            return rest.equals("/");
        }
    }

    /**
     * Resolves {@code path}.
     *
     * @throws FsException INVALID_NAME for a relative path, NOT_FOUND for a name outside dev and vol,
     *                     NOT_A_DIRECTORY for a path through a device
     */
    static VfsPath parse(String path) throws FsException {
        if (!path.startsWith("/")) {
            throw new FsException(FsError.INVALID_NAME, "'" + path + "' is not an absolute path");
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            return new Root();
        }
        return switch (parts.getFirst()) {
            case "dev" -> switch (parts.size()) {
                case 1 -> new DevDir();
                case 2 -> new Dev(parts.get(1));
                default -> throw new FsException(FsError.NOT_A_DIRECTORY, "/dev/" + parts.get(1)
                        + " is a device, not a directory");
            };
            case "vol" -> parts.size() == 1 ? new VolDir()
                    : new InMount(parts.get(1), "/" + String.join("/", parts.subList(2, parts.size())));
            default -> throw new FsException(FsError.NOT_FOUND, "no /" + parts.getFirst() + ": the root holds dev and vol");
        };
    }

    /** A port name as one path component: '/' would split it, so it becomes '_'. */
    static String component(String portName) {
        return portName.replace('/', '_');
    }
}
