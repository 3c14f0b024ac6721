package org.microsim.harness.session;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.microsim.abi.svc.Page;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.abi.svc.SvcRequest;
import org.microsim.harness.HostPaths;
import org.microsim.harness.script.CommandException;
import org.microsim.harness.script.Completion;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.PortSnapshot;
import org.microsim.abi.TaskId;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.machine.Lan;
import org.microsim.services.init.Init;

/**
 * Tab completion of the machine commands' arguments, from what is there now: simulated paths as the VFS lists
 * them (through the shell, like {@code ls}, so {@code /dev} names come too), host paths for {@code get} and
 * {@code put} ({@code ~} understood, hidden files only when a dot is typed), live task names for {@code kill}
 * and {@code crash}, service names for {@code start}, {@code stop} and {@code restart}, and program names for
 * {@code spawn}, for {@code usb}: attach or detach, then {@code file=} and a host path, or a stick's block
 * port ({@code msc0:}); network interfaces ({@code eth0}, {@code sw1}) for {@code ifconfig} (then {@code dhcp},
 * {@code mtu} or {@code off}) and {@code link}, and
 * LAN names for {@code lan}; for {@code fault}, its kinds, then what the kind takes: a disk (whole disks, as lsblk
 * names them), a task, a LAN, {@code detach}, a PCIe device, or what {@code clear} ends. What each command's
 * arguments are is said here, by name, so the commands stay as they are.
 */
final class Completions {
    /** What one argument may be: the candidates for what is typed of it. */
    @FunctionalInterface
    private interface Kind {
        List<Completion> of(String prefix) throws CommandException;
    }

    private final SimSession s;
    private final Map<String, List<Kind>> arguments;

    Completions(SimSession s) {
        this.s = s;
        Kind sim = this::simPaths;
        Kind host = this::hostPaths;
        Kind task = prefix -> words(prefix, s.kernel().tasks().stream().filter(t -> t.state().alive())
                .map(TaskInfo::name).toList());
        Kind service = prefix -> words(prefix, Page.all(start -> s.client(Init.SERVICE_MANAGER)
                .call(new SvcRequest.ListAll(start))).stream().map(ServiceStatus::name).toList());
        Kind program = prefix -> words(prefix, s.programs().all());
        Kind usbVerb = prefix -> words(prefix, List.of("attach", "detach"));
        Kind usbTarget = this::usbTarget;
        Kind iface = prefix -> words(prefix, s.kernel().ports().stream()
                .filter(p -> p.info().portClass() == PortClass.NETWORK && !p.owner().equals(TaskId.KERNEL))
                .map(p -> p.info().name().replace(":", "")).sorted().toList());
        Kind linkVerb = prefix -> words(prefix, List.of("down", "up"));
        Kind ifconfigVerb = prefix -> words(prefix, List.of("dhcp", "mtu", "off"));
        Kind lan = prefix -> words(prefix, s.network().lans().stream().map(Lan::name).toList());
        Kind url = prefix -> List.of();
        // fetch's destination is a simulated file under /vol/, any other path a host file (TcpCommands.fetch).
        Kind destination = prefix -> prefix.startsWith("/vol/") ? simPaths(prefix) : withVol(prefix, hostPaths(prefix));
        arguments = Map.ofEntries(
                Map.entry("ls", List.of(sim)), Map.entry("stat", List.of(sim)), Map.entry("cat", List.of(sim)),
                Map.entry("hexdump", List.of(sim)), Map.entry("mkdir", List.of(sim)), Map.entry("rm", List.of(sim)),
                Map.entry("rmdir", List.of(sim)), Map.entry("df", List.of(sim)), Map.entry("mv", List.of(sim, sim)),
                Map.entry("get", List.of(sim, host)), Map.entry("put", List.of(host, sim)),
                Map.entry("kill", List.of(task)), Map.entry("crash", List.of(task)),
                Map.entry("start", List.of(service)), Map.entry("stop", List.of(service)),
                Map.entry("restart", List.of(service)), Map.entry("spawn", List.of(program)),
                Map.entry("usb", List.of(usbVerb, usbTarget)), Map.entry("ifconfig", List.of(iface, ifconfigVerb)),
                Map.entry("link", List.of(linkVerb, iface)), Map.entry("lan", List.of(lan)),
                Map.entry("fetch", List.of(url, destination)));
    }

    /** What the argument after {@code before} of {@code command} may be. */
    List<Completion> complete(String command, List<String> before, String prefix) {
        List<Kind> kinds = command.equals("fault") ? faultArguments(before) : arguments.getOrDefault(command, List.of());
        if (before.size() >= kinds.size()) {
            return List.of();
        }
        try {
            return kinds.get(before.size()).of(prefix);
        } catch (CommandException | RuntimeException e) {
            // Nothing to offer (the machine is not booted, the shell is restarting): Tab does nothing.
            return List.of();
        }
    }

    /** A fault's kind, then its target, which depends on the kind. */
    private List<Kind> faultArguments(List<String> before) {
        Kind kind = prefix -> words(prefix, List.of("disk", "task", "link", "usb", "irq", "clear"));
        if (before.isEmpty()) {
            return List.of(kind);
        }
        Kind target = switch (before.get(0)) {
            case "disk" -> prefix -> words(prefix, s.kernel().ports().stream().map(PortSnapshot::info)
                    .filter(FaultCommands::wholeDisk).map(PortInfo::name).toList());
            case "task" -> arguments.get("kill").get(0);
            case "link" -> arguments.get("lan").get(0);
            case "usb" -> prefix -> words(prefix, List.of("detach"));
            case "irq" -> prefix -> words(prefix, s.kernel().ports().stream()
                    .filter(p -> p.owner().equals(TaskId.KERNEL) && p.info().parent().equals(Kernel.BUS_ROOT))
                    .map(p -> p.info().name()).toList());
            case "clear" -> prefix -> words(prefix, List.of("disk", "task", "link", "usb", "irq"));
            default -> null;
        };
        return target == null ? List.of(kind) : List.of(kind, target);
    }

    /** The host paths, and /vol/ too where the prefix could begin it (fetch's two kinds of destination). */
    private static List<Completion> withVol(String prefix, List<Completion> host) {
        if (prefix.isEmpty() || !"/vol/".startsWith(prefix)) {
            return host;
        }
        List<Completion> all = new ArrayList<>(host);
        all.add(new Completion("/vol/", false));
        return all;
    }

    private static List<Completion> words(String prefix, List<String> names) {
        return names.stream().filter(n -> n.startsWith(prefix)).distinct().map(n -> new Completion(n, true)).toList();
    }

    /** {@code file=} and a host path after it, or the sticks' block ports ({@code msc0:}) by name. */
    private List<Completion> usbTarget(String prefix) throws CommandException {
        String file = "file=";
        if (prefix.startsWith(file)) {
            return hostPaths(prefix.substring(file.length())).stream()
                    .map(c -> new Completion(file + c.value(), c.complete())).toList();
        }
        List<String> names = new ArrayList<>(List.of(file));
        UsbCommands.sticks(s).forEach(p -> names.add(p.info().name()));
        return words(prefix, names).stream().map(c -> new Completion(c.value(), !c.value().equals(file))).toList();
    }

    /** The entries of the simulated directory the prefix is in, as the shell's {@code ls} lists them. */
    private List<Completion> simPaths(String prefix) throws CommandException {
        String dir = prefix.substring(0, prefix.lastIndexOf('/') + 1);
        String listed = dir.isEmpty() ? "/" : dir;
        List<Completion> out = new ArrayList<>();
        for (String entry : FileCommands.list(s.shell(), listed)) {
            String path = listed + entry;
            if (path.startsWith(prefix)) {
                out.add(new Completion(path, !entry.endsWith("/")));
            }
        }
        return out;
    }

    /** The entries of the host directory the prefix is in; hidden ones only when a dot is typed. */
    private List<Completion> hostPaths(String prefix) throws CommandException {
        int slash = prefix.lastIndexOf('/');
        String dir = prefix.substring(0, slash + 1);
        String name = prefix.substring(slash + 1);
        Path hostDir = HostPaths.resolve(s.baseDir(), dir.isEmpty() ? "." : dir);
        List<Completion> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(hostDir)) {
            for (Path entry : entries) {
                String entryName = entry.getFileName().toString();
                if (entryName.startsWith(name) && (name.startsWith(".") || !entryName.startsWith("."))) {
                    boolean directory = Files.isDirectory(entry);
                    out.add(new Completion(dir + entryName + (directory ? "/" : ""), !directory));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort(Comparator.comparing(Completion::value));
        return out;
    }
}
