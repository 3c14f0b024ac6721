package org.microsim.services.shell;

import org.microsim.services.vfs.VfsClient;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.fs.DeviceEntry;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.FsStats;
import org.microsim.abi.fs.MountEntry;
import org.microsim.abi.fs.VfsRequest;

/**
 * The shell's commands, each a few calls to the VFS through {@link VfsClient}. A command's result is its
 * output and whether it succeeded; a usage mistake or a filesystem failure is a failed result whose output
 * says why, never an exception.
 *
 * <pre>
 * ls [PATH]   stat PATH   cat PATH   hexdump PATH [OFFSET [LENGTH]]   mkdir PATH   rm PATH   rmdir PATH
 * mv FROM TO  df [PATH]   sync       mounts                           lsblk
 * </pre>
 */
final class ShellCommands {
    /** Largest file cat prints: a bigger one is a job for GET. */
    static final int MAX_CAT = 1 << 20;
    /** Most bytes one hexdump shows. */
    static final int MAX_HEXDUMP = 64 << 10;
    static final String USAGE = "commands: ls [PATH], stat PATH, cat PATH, hexdump PATH [OFFSET [LENGTH]], mkdir PATH, "
            + "rm PATH, rmdir PATH, mv FROM TO, df [PATH], sync, mounts, lsblk";

    /** What a command printed and whether it succeeded. */
    record Output(boolean success, byte[] bytes) {
        static Output ok(String text) {
            return new Output(true, text.getBytes(StandardCharsets.UTF_8));
        }

        static Output failed(String text) {
            return new Output(false, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A command that cannot run as asked: wrong words, or a path it cannot take (a directory to cat). */
    private static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final VfsClient vfs;

    ShellCommands(VfsClient vfs) {
        this.vfs = vfs;
    }

    /** Runs one command line; never throws. */
    Output run(List<String> words) {
        try {
            return runOrThrow(words.getFirst(), words.subList(1, words.size()));
        } catch (Refused e) {
            return Output.failed(e.getMessage());
        } catch (FsException e) {
            return Output.failed(words.getFirst() + ": " + e.getMessage());
        }
    }

    private Output runOrThrow(String command, List<String> args) throws Refused, FsException {
        return switch (command) {
            case "ls" -> Output.ok(ls(optional(args, "ls [PATH]", "/")));
            case "stat" -> Output.ok(stat(one(args, "stat PATH")));
            case "cat" -> new Output(true, cat(one(args, "cat PATH")));
            case "hexdump" -> Output.ok(hexdump(args));
            case "mkdir" -> done(new FsRequest.Mkdir(one(args, "mkdir PATH")));
            case "rm" -> done(new FsRequest.Unlink(one(args, "rm PATH")));
            case "rmdir" -> done(new FsRequest.Rmdir(one(args, "rmdir PATH")));
            case "mv" -> {
                if (args.size() != 2) {
                    throw new Refused("usage: mv FROM TO");
                }
                yield done(new FsRequest.Rename(args.get(0), args.get(1)));
            }
            case "df" -> Output.ok(df(args.isEmpty() ? null : one(args, "df [PATH]")));
            case "sync" -> {
                none(args, "sync");
                vfs.call(new FsRequest.Sync());
                yield Output.ok("synced\n");
            }
            case "mounts" -> {
                none(args, "mounts");
                StringBuilder out = new StringBuilder();
                for (MountEntry m : vfs.mounts()) {
                    out.append(m.mountPoint()).append(' ').append(m.type()).append(' ').append(m.source()).append('\n');
                }
                yield Output.ok(out.toString());
            }
            case "lsblk" -> {
                none(args, "lsblk");
                yield Output.ok(lsblk(vfs.devices()));
            }
            default -> throw new Refused("unknown command '" + command + "'; " + USAGE);
        };
    }

    private Output done(FsRequest<Void> request) throws FsException {
        vfs.call(request);
        return Output.ok("");
    }

    private String ls(String path) throws FsException {
        FileStat self = vfs.call(new FsRequest.Stat(path));
        List<FileStat> entries = self.directory() ? vfs.list(path) : List.of(self);
        StringBuilder out = new StringBuilder();
        for (FileStat e : entries) {
            out.append(String.format(Locale.ROOT, "%s %12s  %s%n", e.directory() ? "d" : "-",
                    e.directory() ? "" : Long.toString(e.size()), e.name() + (e.directory() ? "/" : "")));
        }
        return out.toString();
    }

    private String stat(String path) throws FsException {
        FileStat s = vfs.call(new FsRequest.Stat(path));
        return "path: " + path + "\n"
                + "type: " + (s.directory() ? "directory" : "file") + "\n"
                + "size: " + s.size() + "\n"
                + String.format(Locale.ROOT, "attributes: 0x%02x%n", s.attributes())
                + "modified: " + LocalDateTime.ofEpochSecond(s.modified(), 0, ZoneOffset.UTC).toString().replace('T', ' ')
                + "\n";
    }

    private byte[] cat(String path) throws FsException, Refused {
        FileStat s = vfs.call(new FsRequest.Stat(path));
        if (s.directory()) {
            throw new Refused("cat: " + path + " is a directory");
        }
        if (s.size() > MAX_CAT) {
            throw new Refused("cat: " + path + " has " + s.size() + " bytes, more than cat shows (" + MAX_CAT
                    + "); use get");
        }
        return vfs.read(path, 0, (int) s.size());
    }

    private String hexdump(List<String> args) throws Refused, FsException {
        if (args.isEmpty() || args.size() > 3) {
            throw new Refused("usage: hexdump PATH [OFFSET [LENGTH]]");
        }
        String path = args.get(0);
        long offset = args.size() > 1 ? number(args.get(1), "offset") : 0;
        FileStat s = vfs.call(new FsRequest.Stat(path));
        if (s.directory()) {
            throw new Refused("hexdump: " + path + " is a directory");
        }
        long available = Math.max(0, s.size() - offset);
        long length = args.size() > 2 ? Math.min(number(args.get(2), "length"), available) : available;
        if (length > MAX_HEXDUMP) {
            throw new Refused("hexdump: " + length + " bytes is more than hexdump shows (" + MAX_HEXDUMP
                    + "); give a LENGTH");
        }
        return Hexdump.format(vfs.read(path, offset, (int) length), offset);
    }

    private String df(String path) throws FsException {
        if (path != null) {
            vfs.call(new VfsRequest.StatFsAt(path));
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-16s %12s %12s %12s %5s  %s%n",
                "Filesystem", "Size", "Used", "Avail", "Use%", "Mounted on"));
        for (MountEntry m : vfs.mounts()) {
            if (path != null && !(path + "/").startsWith(m.mountPoint() + "/")) {
                continue;
            }
            FsStats s = vfs.call(new VfsRequest.StatFsAt(m.mountPoint()));
            long size = s.totalClusters() * s.clusterSize();
            long avail = s.freeClusters() * s.clusterSize();
            long used = size - avail;
            out.append(String.format(Locale.ROOT, "%-16s %12d %12d %12d %4d%%  %s%n", m.source(), size, used, avail,
                    size == 0 ? 0 : Math.round(100.0 * used / size), m.mountPoint()));
        }
        return out.toString();
    }

    private static String lsblk(List<DeviceEntry> devices) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-20s %14s %-10s %-2s  %s%n", "NAME", "SIZE",
                "TYPE", "RO", "PARENT"));
        for (DeviceEntry d : devices) {
            out.append(String.format(Locale.ROOT, "%-20s %14d %-10s %-2s  %s%n", d.name(), d.size(),
                    typeName(d.subclass()), d.readOnly() ? "1" : "0", d.parent().isEmpty() ? "-" : d.parent()));
        }
        return out.toString();
    }

    /** The partition type of a block port's subclass, as lsblk shows it. */
    static String typeName(int subclass) {
        return switch (subclass) {
            case PortSubclass.BLOCK_RAW, PortSubclass.USB_MASS_STORAGE -> "disk";
            case PortSubclass.BLOCK_FAT12 -> "fat12";
            case PortSubclass.BLOCK_FAT16_SMALL, PortSubclass.BLOCK_FAT16, PortSubclass.BLOCK_FAT16_LBA -> "fat16";
            case PortSubclass.BLOCK_FAT32, PortSubclass.BLOCK_FAT32_LBA -> "fat32";
            case PortSubclass.BLOCK_EXTENDED, PortSubclass.BLOCK_EXTENDED_LBA -> "extended";
            case PortSubclass.BLOCK_NTFS -> "ntfs";
            case PortSubclass.BLOCK_LINUX -> "linux";
            case PortSubclass.BLOCK_LINUX_SWAP -> "swap";
            case PortSubclass.BLOCK_EFI_SYSTEM -> "efi";
            default -> String.format(Locale.ROOT, "0x%02x", subclass);
        };
    }

    private static long number(String word, String what) throws Refused {
        try {
            long v = word.startsWith("0x") ? Long.parseLong(word.substring(2), 16) : Long.parseLong(word);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // Reported below, as for a negative number.
        }
        throw new Refused("hexdump: " + what + " '" + word + "' is not a number >= 0 (decimal or 0x hex)");
    }

    private static String one(List<String> args, String usage) throws Refused {
        if (args.size() != 1) {
            throw new Refused("usage: " + usage);
        }
        return args.getFirst();
    }

    private static String optional(List<String> args, String usage, String fallback) throws Refused {
        return args.isEmpty() ? fallback : one(args, usage);
    }

    private static void none(List<String> args, String usage) throws Refused {
        if (!args.isEmpty()) {
            throw new Refused("usage: " + usage);
        }
    }
}
