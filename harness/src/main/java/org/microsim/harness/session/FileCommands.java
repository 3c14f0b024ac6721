package org.microsim.harness.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.Lease;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.abi.shell.RunResult;
import org.microsim.abi.shell.ShellRequest;
import org.microsim.harness.HostPaths;
import org.microsim.harness.script.Arity;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandException;
import org.microsim.harness.script.CommandFailedException;

/**
 * The file commands of the console and scenarios: {@code ls}, {@code stat}, {@code cat}, {@code hexdump},
 * {@code mkdir}, {@code rm}, {@code rmdir}, {@code mv}, {@code df}, {@code sync}, {@code mounts}, {@code lsblk},
 * which the shell task runs ({@link ShellRequest.Run}), and {@code get} and {@code put}, which move a file
 * between the host and the simulated namespace over one file the shell opens for the console
 * ({@link ShellRequest.Open}, {@link ShellRequest.Read}, {@link ShellRequest.Write}, {@link ShellRequest.Close}:
 * one call per piece), the host side read or written here. All of them reach the simulated system only as the
 * console's calls to the shell's public port, so they show what any program would see.
 *
 * <p>The words are checked here (a wrong count is a {@link org.microsim.harness.script.UsageException}, bad input of a scenario; paths too long to send are refused before anything is sent); a command
 * the shell ran and that failed, a missing shell, or a host file that cannot be read or written is a
 * {@link CommandFailedException} with the reason.
 */
final class FileCommands {
    /** Output room lent to the shell first; a longer output is asked for again with the room it needs. */
    private static final int OUTPUT = 64 << 10;
    private static final int MAX_OUTPUT = 16 << 20;
    /**
     * How much of a file one get or put call moves. Pieces keep the console's memory bounded whatever the
     * file's size; 4 MiB is what fatfsd hands its volume at once, so a piece is one step of fatfsd's work.
     */
    private static final int PIECE = 4 << 20;
    /** Where the name starts in a line of the shell's {@code ls}: after "T" " " a 12-wide size and two spaces. */
    private static final int LS_NAME = 16;
    /** The most bytes of simulated paths one command sends: see {@link #fitsAMessage}. */
    static final int MAX_PATH = 960;

    /** The console's client of the shell's port. */
    @FunctionalInterface
    interface ShellClient {
        /**
         * The client.
         *
         * @throws CommandFailedException when no call can be made (the machine is not booted)
         */
        ConsoleClient get() throws CommandFailedException;
    }

    /** Ctrl-C, checked between the pieces of get and put. */
    @FunctionalInterface
    interface Interruption {
        /** @throws CommandFailedException when the command was interrupted */
        void check() throws CommandFailedException;
    }

    private FileCommands() {
    }

    /**
     * The file commands.
     *
     * @param shell   the console's client of the shell, typically
     *                {@code () -> new ConsoleClient(session.kernel(), "shell", Duration.ofSeconds(60))}
     * @param baseDir where relative host paths of get and put are taken from
     * @param interruption Ctrl-C
     */
    static List<Command> of(ShellClient shell, Path baseDir, Interruption interruption) {
        List<Command> commands = new ArrayList<>(List.of(
                run(shell, "ls", 0, 1, "ls [PATH]", "list a directory of the simulated system (default /)"),
                run(shell, "stat", 1, 1, "stat PATH", "show the type, size, attributes and time of a file"),
                run(shell, "cat", 1, 1, "cat PATH", "print a file of the simulated system"),
                run(shell, "hexdump", 1, 3, "hexdump PATH [OFFSET [LENGTH]]",
                        "print a file or device in hex (offsets in decimal or 0x hex)"),
                run(shell, "mkdir", 1, 1, "mkdir PATH", "make a directory"),
                run(shell, "rm", 1, 1, "rm PATH", "delete a file"),
                run(shell, "rmdir", 1, 1, "rmdir PATH", "delete an empty directory"),
                run(shell, "mv", 2, 2, "mv FROM TO", "rename or move a file or directory within one filesystem"),
                run(shell, "df", 0, 1, "df [PATH]", "show size and free space of the mounted filesystems"),
                run(shell, "sync", 0, 0, "sync", "make every change to every filesystem durable"),
                run(shell, "mounts", 0, 0, "mounts", "list mounts: MOUNTPOINT FSTYPE SOURCE"),
                run(shell, "lsblk", 0, 0, "lsblk", "list block devices with sizes and partition types")));
        commands.add(new SimpleCommand("get", "get SIMPATH HOSTPATH", "copy a file of the simulated system to the host",
                args -> {
                    Arity.check(args, 2, 2, "get");
                    fitsAMessage(args.subList(0, 1));
                    return get(shell.get(), args.get(0), HostPaths.resolve(baseDir, args.get(1)), interruption);
                }));
        commands.add(new SimpleCommand("put", "put HOSTPATH SIMPATH", "copy a host file into the simulated system",
                args -> {
                    Arity.check(args, 2, 2, "put");
                    fitsAMessage(args.subList(1, 2));
                    return put(shell.get(), HostPaths.resolve(baseDir, args.get(0)), args.get(1), interruption);
                }));
        commands.add(text(shell, "write", OpenFlags.TRUNCATE, "write the words, one space apart, and a newline into a"
                + " file (made or emptied first)"));
        commands.add(text(shell, "append", OpenFlags.APPEND, "add the words, one space apart, and a newline at the end"
                + " of a file (made if missing)"));
        return List.copyOf(commands);
    }

    /**
     * {@code write} and {@code append}: a line of text into a file in one open, write and close, so scenarios and
     * campaigns make file workloads without host files. The close is what fatfsd acknowledges durably.
     */
    private static Command text(ShellClient shell, String name, int mode, String help) {
        return new SimpleCommand(name, name + " PATH TEXT...", help, args -> {
            Arity.check(args, 2, Integer.MAX_VALUE, name);
            fitsAMessage(args.subList(0, 1));
            byte[] line = (String.join(" ", args.subList(1, args.size())) + "\n").getBytes(StandardCharsets.UTF_8);
            ConsoleClient client = shell.get();
            int fh = client.call(new ShellRequest.Open(args.get(0), OpenFlags.WRITE | OpenFlags.CREATE | mode)).fh();
            int written;
            try {
                written = client.call(new ShellRequest.Write(fh, 0, line.length), Lease.readOnly(line)).bytes();
            } catch (CommandFailedException e) {
                close(client, fh);
                throw e;
            }
            client.call(new ShellRequest.Close(fh)); // a failed close is a failed write: the data may not be durable
            if (written != line.length) {
                throw new CommandFailedException(name + ": wrote " + written + " of " + line.length + " bytes");
            }
            return "";
        });
    }

    private static Command run(ShellClient shell, String name, int min, int max, String usage, String help) {
        return new SimpleCommand(name, usage, help, args -> {
            Arity.check(args, min, max, name);
            // hexdump's words after its path are numbers; every other word of these commands is a path.
            fitsAMessage(name.equals("hexdump") ? args.subList(0, 1) : args);
            List<String> words = new ArrayList<>();
            words.add(name);
            words.addAll(args);
            return runOnShell(shell.get(), words);
        });
    }

    private static String runOnShell(ConsoleClient shell, List<String> words) throws CommandException {
        ShellRequest.Run request = new ShellRequest.Run(words);
        byte[] output = new byte[OUTPUT];
        RunResult result = shell.call(request, Lease.writeOnly(output));
        if (!result.complete() && result.total() <= MAX_OUTPUT) {
            output = new byte[result.total()];
            result = shell.call(request, Lease.writeOnly(output));
        }
        String text = new String(output, 0, result.written(), StandardCharsets.UTF_8);
        if (!result.complete()) {
            text += "\n[output cut at " + result.written() + " of " + result.total() + " bytes]";
        }
        text = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (!result.success()) {
            throw new CommandFailedException(text);
        }
        return text;
    }

    /**
     * The names in a simulated directory, a directory's with a trailing {@code /}, as {@code ls} lists them:
     * each line is a type, a size column and, from {@link #LS_NAME}, the name.
     */
    static List<String> list(ConsoleClient shell, String dir) throws CommandException {
        return runOnShell(shell, List.of("ls", dir)).lines().filter(line -> line.length() > LS_NAME)
                .map(line -> line.substring(LS_NAME)).toList();
    }

    private static String get(ConsoleClient shell, String simPath, Path host, Interruption interruption)
            throws CommandException {
        FileStat stat = shell.call(new ShellRequest.Stat(simPath));
        if (stat.directory()) {
            throw new CommandFailedException("get: " + simPath + " is a directory");
        }
        long size = stat.size();
        int pieceLength = (int) Math.min(PIECE, Math.max(1, size));
        boolean overlap = size > pieceLength;
        byte[] current = new byte[pieceLength];
        byte[] spare = overlap ? new byte[pieceLength] : current;
        long done = 0;
        int fh = shell.call(new ShellRequest.Open(simPath, OpenFlags.READ)).fh();
        try (FileChannel out = FileChannel.open(host, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING); HostIo io = new HostIo(overlap)) {
            while (done < size) {
                interruption.check();
                int want = (int) Math.min(pieceLength, size - done);
                int n = Math.min(want, shell.call(new ShellRequest.Read(fh, done, want), Lease.writeOnly(current))
                        .bytes());
                byte[] got = current;
                // Written while the next piece is read; start waits for the previous write, so spare is free.
                io.start(() -> writeFully(out, got, n));
                current = spare;
                spare = got;
                done += n;
                if (n < want) {
                    break; // the file shrank meanwhile: what there was has been copied
                }
            }
            io.finish();
        } catch (IOException e) {
            throw new CommandFailedException("get: cannot write host file " + host + ": " + HostPaths.why(e));
        } finally {
            close(shell, fh);
        }
        return "got " + simPath + " (" + done + " bytes) into " + host;
    }

    private static String put(ConsoleClient shell, Path host, String simPath, Interruption interruption)
            throws CommandException {
        if (Files.isDirectory(host)) {
            throw new CommandFailedException("put: host file " + host + " is a directory");
        }
        long done = 0;
        try (FileChannel in = FileChannel.open(host, StandardOpenOption.READ)) {
            long size = in.size();
            int pieceLength = (int) Math.min(PIECE, Math.max(1, size));
            boolean overlap = size > pieceLength;
            byte[] current = new byte[pieceLength];
            byte[] next = overlap ? new byte[pieceLength] : current;
            int n = (int) Math.min(pieceLength, size);
            readPiece(in, 0, current, n);
            // Opening creates or empties the file, so an empty host file makes an empty one.
            int fh = shell.call(new ShellRequest.Open(simPath, OpenFlags.WRITE | OpenFlags.CREATE | OpenFlags.TRUNCATE))
                    .fh();
            try (HostIo io = new HostIo(overlap)) {
                while (n > 0) {
                    interruption.check();
                    long nextAt = done + n;
                    int nextLength = (int) Math.min(pieceLength, size - nextAt);
                    byte[] fill = next;
                    if (nextLength > 0) {
                        io.start(() -> readPiece(in, nextAt, fill, nextLength)); // read while this piece is written
                    }
                    int written = shell.call(new ShellRequest.Write(fh, done, n), Lease.readOnly(current)).bytes();
                    if (written != n) {
                        throw new CommandFailedException("put: the shell wrote " + written + " of " + n
                                + " bytes at " + done);
                    }
                    done += n;
                    if (nextLength <= 0) {
                        break;
                    }
                    io.finish();
                    next = current;
                    current = fill;
                    n = nextLength;
                }
            } finally {
                close(shell, fh);
            }
        } catch (IOException e) {
            throw new CommandFailedException("put: cannot read host file " + host + ": " + HostPaths.why(e));
        }
        return "put " + host + " (" + done + " bytes) into " + simPath;
    }

    /**
     * Closes a file the shell opened for the console. A close that fails (the shell or the VFS was restarted
     * meanwhile) must not hide how the transfer went: the shell's table of open files is bounded per caller.
     */
    private static void close(ConsoleClient shell, int fh) {
        try {
            shell.call(new ShellRequest.Close(fh));
        } catch (CommandFailedException e) {
            // Nothing more to do: see above.
        }
    }

    private static void writeFully(FileChannel out, byte[] data, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(data, 0, length);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /**
     * Copies {@code length} bytes at {@code at} of the host file through a memory mapping: one copy from the
     * page cache, where a read call makes two (through a native buffer) and is several times slower.
     */
    private static void readPiece(FileChannel in, long at, byte[] into, int length) throws IOException {
        if (length == 0) {
            return;
        }
        try {
            in.map(FileChannel.MapMode.READ_ONLY, at, length).get(0, into, 0, length);
        } catch (InternalError e) {
            throw new IOException("the file became shorter while being read", e);
        }
    }

    /**
     * Refuses simulated paths that could not travel: a path goes to the shell, then to the VFS, then to a
     * filesystem, each time in one message of at most 1 KiB with a few bytes of its own, so paths may take
     * {@value #MAX_PATH} bytes of it, together (mv sends two).
     */
    private static void fitsAMessage(List<String> paths) throws CommandFailedException {
        int total = 0;
        for (String path : paths) {
            int length = path.getBytes(StandardCharsets.UTF_8).length;
            if (length > MAX_PATH) {
                throw new CommandFailedException("path is too long: " + length + " bytes, at most " + MAX_PATH);
            }
            total += length;
        }
        if (total > MAX_PATH) {
            throw new CommandFailedException("the paths are too long together: " + total + " bytes, at most "
                    + MAX_PATH);
        }
    }
}
