package org.microsim.harness.web;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.MsgIds;
import org.microsim.abi.block.BlockRequest;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.VfsRequest;
import org.microsim.abi.net.EthRequest;
import org.microsim.abi.net.NetRequest;
import org.microsim.abi.shell.ShellRequest;
import org.microsim.abi.svc.SvcRequest;

/**
 * Names msg ids by their protocol, for the message sequence chart: {@code 303} is {@code devd.LSDEV}. The names
 * are the constants each protocol declares in {@code abi}, read from there, so a new request is named without
 * a list kept here; each protocol owns a range of ids ({@link MsgIds}), and only constants in its range count
 * (a protocol also declares sizes and limits as ints); a name is the one its own protocol declares, not one it
 * inherits (the filesystem protocol extends the VFS one).
 */
final class MsgNames {
    private record Range(String protocol, Class<?> declarer, int from, int to) {
    }

    private static final Map<Integer, String> NAMES = new TreeMap<>();

    static {
        for (Range r : new Range[] {
            new Range("msg", MsgIds.class, 0, MsgIds.SERVICE_MANAGER_BASE),
            new Range("kernel", KernelRequest.class, 30, 100),
            new Range("svc", SvcRequest.class, MsgIds.SERVICE_MANAGER_BASE, MsgIds.DEVD_BASE),
            new Range("devd", DevdRequest.class, MsgIds.DEVD_BASE, MsgIds.BLOCK_BASE),
            new Range("block", BlockRequest.class, MsgIds.BLOCK_BASE, MsgIds.FS_BASE),
            new Range("fs", FsRequest.class, MsgIds.FS_BASE, MsgIds.NET_BASE),
            new Range("vfs", VfsRequest.class, MsgIds.FS_BASE, MsgIds.NET_BASE),
            new Range("eth", EthRequest.class, MsgIds.NET_BASE, MsgIds.SHELL_BASE),
            new Range("net", NetRequest.class, MsgIds.NET_BASE, MsgIds.SHELL_BASE),
            new Range("shell", ShellRequest.class, MsgIds.SHELL_BASE, MsgIds.SHELL_BASE + 100)}) {
            for (Field f : r.declarer().getDeclaredFields()) {
                int m = f.getModifiers();
                if (f.getType() == int.class && Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m)
                        && !f.getName().endsWith("_BASE")) {
                    int id = constant(f);
                    if (id >= r.from() && id < r.to()) {
                        NAMES.putIfAbsent(id, r.protocol() + "." + f.getName());
                    }
                }
            }
        }
    }

    private MsgNames() {
    }

    private static int constant(Field f) {
        try {
            return f.getInt(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("a public constant of abi cannot be read: " + f, e);
        }
    }

    /** The id's protocol and name, or the number alone when no protocol declares it (a demo program's). */
    static String of(int id) {
        return NAMES.getOrDefault(id, Integer.toString(id));
    }
}
