package org.microsim.services.devd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import org.microsim.services.svcman.ScriptedSys;

class DevdProgramTest {
    private static final long MS = 1_000_000L;
    private static final TaskId VFS = new TaskId(9, 0);
    private final ScriptedSys sys = new ScriptedSys();

    private void port(long at, int id, TaskId owner, PortInfo info) {
        sys.at(at, TaskId.KERNEL, Message.of(MsgIds.NOTIFY_PORT_REGISTERED,
                new KernelProtocol.PortEvent(id, 1, owner, info).encode(), new Handle(100 + id)), false);
    }

    @Test
    void devdBindsStartsSupervisesNotifiesAndUnplugs() throws MalformedException {
        PortInfo ahci = new PortInfo("00:1f.2:ahci", PortClass.STORAGE_CONTROLLER, PortSubclass.STORAGE_AHCI,
                "pcie0:", 0x8086, 0x2922, PortCaps.DMA | PortCaps.IRQ | PortCaps.MMIO, null);
        port(0, 1, TaskId.KERNEL, PortInfo.of("pcie0:", PortClass.BUS, 0));
        port(0, 2, TaskId.KERNEL, ahci);
        sys.at(1 * MS, VFS, Message.of(DevdRequest.SUBSCRIBE, new byte[] {10, 0}), true);
        sys.at(1 * MS, VFS, new Message(DevdRequest.SUBSCRIBE, new DevdRequest.Subscribe(PortClass.FILESYSTEM)
                .encode().data(), List.of(new Handle(50)), null), true);
        port(2 * MS, 3, new TaskId(5, 0), new PortInfo("disk0.fs", PortClass.FILESYSTEM, 0, "00:1f.2:ahci", 0, 0,
                0, null));
        sys.at(3 * MS, VFS, new DevdRequest.Lsdev(0).encode(), true);
        sys.at(100 * MS, TaskId.KERNEL, Message.of(MsgIds.NOTIFY_TASK_CRASHED,
                new KernelProtocol.TaskEvent(new TaskId(2, 0), "ahci#2", "boom").encode()), false);
        sys.at(200 * MS, TaskId.KERNEL, Message.of(MsgIds.NOTIFY_PORT_REMOVED,
                new KernelProtocol.PortEvent(2, 1, TaskId.KERNEL, ahci).encode()), false);
        sys.at(201 * MS, VFS, new DevdRequest.Lsdev(0).encode(), true);
        assertThrows(ScriptedSys.Finished.class, () -> new DevdProgram(DefaultRules.rules()).run(sys));

        assertEquals(List.of("request 32", "spawn ahci#2 2.0 at 0ms with [h10]", "spawn ahci#2 2.1 at 110ms with [h12]",
                "kill 2.1"), sys.kernelLog);
        assertEquals(DevdErrorCode.BAD_REQUEST.code(), Replies.failure(sys.replies.get(0)).code());
        assertEquals(null, Replies.failure(sys.replies.get(1)));
        assertEquals(List.of(new DriverAvailable(3, new Handle(11)).encode()), sys.sent);
        assertEquals("""
                pcie0: bus pcie_root 0000:0000 - - -
                  00:1f.2:ahci storage_controller ahci 8086:2922 DMA|IRQ|MMIO ahci ready
                    disk0.fs filesystem 0x00 0000:0000 - - -
                """, Lsdev.render(LsdevEntry.decodePage(sys.replies.get(2).data()).items()));
        assertEquals("pcie0: bus pcie_root 0000:0000 - - -\n",
                Lsdev.render(LsdevEntry.decodePage(sys.replies.get(3).data()).items()));
    }
}
