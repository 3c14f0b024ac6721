package org.microsim.services.devd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelProtocol;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Replies;
import org.microsim.abi.TaskId;
import org.microsim.abi.devd.DevdErrorCode;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.devd.DriverAvailable;
import org.microsim.abi.devd.LsdevEntry;
import org.microsim.abi.svc.SvcRequest;
import org.microsim.services.svcman.Action;
import org.microsim.services.svcman.Event;
import org.microsim.services.svcman.RequestHandler;
import org.microsim.services.svcman.ScriptedSys;
import org.microsim.services.svcman.Supervisor;

class DevdProgramTest {
    private static final long MS = 1_000_000L;
    private static final TaskId VFS = new TaskId(9, 0);
    private static final PortInfo AHCI = new PortInfo("00:1f.2:ahci", PortClass.STORAGE_CONTROLLER,
            PortSubclass.STORAGE_AHCI, "pcie0:", 0x8086, 0x2922, PortCaps.DMA | PortCaps.IRQ | PortCaps.MMIO, null);
    private static final PortInfo FS = new PortInfo("disk0.fs", PortClass.FILESYSTEM, 0, "disk0", 0, 0, 0, null);
    private final ScriptedSys sys = new ScriptedSys();
    /** What the stand-in service manager was asked, and what it did. */
    private final List<String> svcman = new ArrayList<>();

    /** A service manager of a real supervisor whose spawned tasks run at once (drivers are ready on start). */
    private void serveSvcman() {
        Supervisor supervisor = new Supervisor(sys::now, 1);
        RequestHandler handler = new RequestHandler(supervisor);
        sys.serve("svcman", request -> {
            try {
                if (request.msgId() != SvcRequest.LIST) {
                    svcman.add(SvcRequest.decode(request).toString().replaceAll("contract=[^]]*], ", ""));
                }
            } catch (MalformedException e) {
                throw new AssertionError(e);
            }
            RequestHandler.Outcome o = handler.handle(request, null);
            List<Action> actions = new ArrayList<>(o.actions());
            while (!actions.isEmpty()) {
                Action a = actions.removeFirst();
                if (!(a instanceof Action.ScheduleTimer)) {
                    svcman.add("  " + a);
                }
                if (a instanceof Action.Spawn s) {
                    actions.addAll(supervisor.on(new Event.TaskStarted(s.service())));
                }
            }
            return o.reply();
        });
    }

    private void port(long at, long id, TaskId owner, PortInfo info) {
        sys.at(at, TaskId.KERNEL, Message.of(MsgIds.NOTIFY_PORT_REGISTERED,
                new KernelProtocol.PortEvent(id, 1, owner, info).encode(), new Handle(100 + (int) id)), false);
    }

    private void removed(long at, long id, TaskId owner, PortInfo info) {
        sys.at(at, TaskId.KERNEL, Message.of(MsgIds.NOTIFY_PORT_REMOVED,
                new KernelProtocol.PortEvent(id, 1, owner, info).encode()), false);
    }

    @Test
    void devdHasDriversStartedBySvcmanNotifiesAgainAfterARestartAndUnplugsBottomUp() throws MalformedException {
        serveSvcman();
        port(0, 1, TaskId.KERNEL, PortInfo.of("pcie0:", PortClass.BUS, 0));
        port(0, 2, TaskId.KERNEL, AHCI);
        sys.at(1 * MS, VFS, Message.of(DevdRequest.SUBSCRIBE, new byte[] {10, 0}), true);
        sys.at(1 * MS, VFS, new Message(DevdRequest.SUBSCRIBE, new DevdRequest.Subscribe(PortClass.FILESYSTEM)
                .encode().data(), List.of(new Handle(50)), null), true);
        port(2 * MS, 3, new TaskId(5, 0), new PortInfo("disk0", PortClass.BLOCK, PortSubclass.BLOCK_RAW,
                "00:1f.2:ahci", 0, 0, 0, null));
        port(2 * MS, 4, new TaskId(6, 0), FS);
        sys.at(3 * MS, VFS, new DevdRequest.Lsdev(0).encode(), true);
        removed(100 * MS, 4, new TaskId(6, 0), FS);
        port(110 * MS, 7, new TaskId(6, 1), FS);
        removed(200 * MS, 2, TaskId.KERNEL, AHCI);
        sys.at(201 * MS, VFS, new DevdRequest.Lsdev(0).encode(), true);
        assertThrows(ScriptedSys.Finished.class, () -> new DevdProgram(DefaultRules.rules()).run(sys));

        assertEquals(List.of(
                "Register[name=ahci#2, program=ahci, deps=[], reserved=[], handles=[h102]]",
                "Start[service=ahci#2]",
                "  Spawn[service=ahci#2, program=ahci, handles=[h102]]",
                "Register[name=partd#3, program=partd, deps=[ahci#2], reserved=[], handles=[h103]]",
                "Start[service=partd#3]",
                "  Spawn[service=partd#3, program=partd, handles=[h103]]",
                "Unregister[service=partd#3]",
                "  Kill[service=partd#3, reason=unregistered]",
                "  Forget[service=partd#3, handles=[h103]]",
                "Unregister[service=ahci#2]",
                "  Kill[service=ahci#2, reason=unregistered]",
                "  Forget[service=ahci#2, handles=[h102]]"), svcman);
        assertEquals(List.of("request 32"), sys.kernelLog, "devd spawns nothing itself");
        assertEquals(DevdErrorCode.BAD_REQUEST.code(), Replies.failure(sys.replies.get(0)).code());
        assertEquals(null, Replies.failure(sys.replies.get(1)));
        assertEquals(List.of(new DriverAvailable(4, new Handle(104)).encode(),
                new DriverAvailable(7, new Handle(107)).encode()), sys.sent, "told again when it came back");
        assertEquals("""
                pcie0: bus pcie_root 0000:0000 - - -
                  00:1f.2:ahci storage_controller ahci 8086:2922 DMA|IRQ|MMIO ahci ready
                    disk0 block raw 0000:0000 - partd ready
                      disk0.fs filesystem 0x00 0000:0000 - - -
                """, Lsdev.render(LsdevEntry.decodePage(sys.replies.get(2).data()).items()));
        assertEquals("pcie0: bus pcie_root 0000:0000 - - -\n",
                Lsdev.render(LsdevEntry.decodePage(sys.replies.get(3).data()).items()));
        assertTrue(sys.closed.containsAll(List.of(new Handle(104), new Handle(107), new Handle(103),
                new Handle(102))), "devd closes the handles of ports that left: " + sys.closed);
    }
}
