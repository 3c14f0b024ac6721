package org.microsim.services.devd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Replies;
import org.microsim.abi.TaskId;
import org.microsim.abi.devd.DevdErrorCode;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.devd.DriverAvailable;
import org.microsim.abi.devd.DriverGone;
import org.microsim.abi.devd.DriverInterest;
import org.microsim.abi.svc.Page;
import org.microsim.abi.svc.ServiceState;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.abi.svc.SvcRequest;
import org.microsim.services.svcman.ScriptedKernel;
import org.microsim.testkit.task.ScriptedSys;

class DevdProgramTest {
    private static final long MS = 1_000_000L;
    private static final TaskId VFS = new TaskId(9, 0);
    private static final PortInfo AHCI = new PortInfo("00:1f.2:ahci", PortClass.STORAGE_CONTROLLER,
            PortSubclass.STORAGE_AHCI, "pcie0:", 0x8086, 0x2922, PortCaps.DMA | PortCaps.IRQ | PortCaps.MMIO, null);
    private static final PortInfo FS = new PortInfo("disk0.fs", PortClass.FILESYSTEM, 0, "disk0", 0, 0, 0, null);
    private final ScriptedKernel kernel = ScriptedKernel.world("devd");
    private final ScriptedSys sys = kernel.sys();
    /** What the stand-in service manager was asked, and what it did. */
    private final List<String> svcman = new ArrayList<>();

    /** A stand-in service manager: records what it is asked; a started service is ready at once. */
    private void serveSvcman() {
        Map<String, ServiceState> services = new TreeMap<>();
        sys.serve("svcman", (message, lease) -> {
            SvcRequest<?> request;
            try {
                request = SvcRequest.decode(message);
            } catch (MalformedException e) {
                throw new AssertionError(e);
            }
            switch (request) {
                case SvcRequest.ListAll l -> {
                    List<ServiceStatus> all = services.entrySet().stream()
                            .map(e -> new ServiceStatus(e.getKey(), e.getValue(), 0, List.of(), "")).toList();
                    return Page.toMessage(all, l.start(), (w, st) -> st.write(w));
                }
                case SvcRequest.Register r -> services.put(r.name(), ServiceState.STOPPED);
                case SvcRequest.Start st -> services.put(st.service(), ServiceState.READY);
                case SvcRequest.Unregister u -> services.remove(u.service());
                default -> {
                }
            }
            svcman.add(request.toString().replaceAll("contract=[^]]*], ", ""));
            return Replies.ok();
        });
    }

    private void port(long at, long id, TaskId owner, PortInfo info) {
        sys.at(at, TaskId.KERNEL, new KernelNotice.PortRegistered(new KernelNotice.PortEvent(id, 1, owner, info),
                new Handle(100 + (int) id)).toMessage(), false);
    }

    private void removed(long at, long id, TaskId owner, PortInfo info) {
        sys.at(at, TaskId.KERNEL, new KernelNotice.PortRemoved(new KernelNotice.PortEvent(id, 1, owner, info),
                false).toMessage(), false);
    }

    @Test
    void devdHasDriversStartedBySvcmanNotifiesAgainAfterARestartAndUnplugsBottomUp() throws MalformedException {
        serveSvcman();
        port(0, 1, TaskId.KERNEL, PortInfo.of("pcie0:", PortClass.BUS, 0));
        port(0, 2, TaskId.KERNEL, AHCI);
        sys.at(1 * MS, VFS, Message.of(302, new byte[] {10, 0}), true);
        port(1 * MS, 50, VFS, new DriverInterest(Set.of(PortClass.FILESYSTEM)).port("vfs"));
        port(2 * MS, 3, new TaskId(5, 0), new PortInfo("disk0", PortClass.BLOCK, PortSubclass.BLOCK_RAW,
                "00:1f.2:ahci", 0, 0, 0, null));
        port(2 * MS, 4, new TaskId(6, 0), FS);
        sys.at(3 * MS, VFS, new DevdRequest.Lsdev(0).toMessage(), true);
        removed(100 * MS, 4, new TaskId(6, 0), FS);
        port(110 * MS, 7, new TaskId(6, 1), FS);
        removed(200 * MS, 2, TaskId.KERNEL, AHCI);
        sys.at(201 * MS, VFS, new DevdRequest.Lsdev(0).toMessage(), true);
        assertThrows(ScriptedSys.Finished.class, () -> new DevdProgram(DefaultRules.rules()).run(sys));

        assertEquals(List.of(
                "Register[name=ahci@00:1f.2:ahci, program=ahci, deps=[], reserved=[], handles=[h102]]",
                "Start[service=ahci@00:1f.2:ahci]",
                "Register[name=partd@disk0, program=partd, deps=[ahci@00:1f.2:ahci], reserved=[], handles=[h103]]",
                "Start[service=partd@disk0]",
                "Unregister[service=partd@disk0]",
                "Unregister[service=ahci@00:1f.2:ahci]"), svcman);
        assertEquals(List.of("request 32"), kernel.log(), "devd spawns nothing itself");
        assertEquals(DevdErrorCode.BAD_REQUEST.code(), Replies.failure(sys.replies().get(0)).code());
        assertEquals(List.of(new DriverAvailable(4, new Handle(104)).toMessage(),
                new DriverAvailable(7, new Handle(107)).toMessage(), new DriverGone(7).toMessage()), sys.sent(),
                "told again when it came back, and that it is gone for good after the unplug");
        assertEquals("""
                pcie0: bus pcie_root 0000:0000 - - -
                  00:1f.2:ahci storage_controller ahci 8086:2922 DMA|IRQ|MMIO ahci ready
                    disk0 block raw 0000:0000 - partd ready
                      disk0.fs filesystem 0x00 0000:0000 - - -
                """, Lsdev.render(new DevdRequest.Lsdev(0).decodeReply(sys.replies().get(1)).items()));
        assertEquals("pcie0: bus pcie_root 0000:0000 - - -\n",
                Lsdev.render(new DevdRequest.Lsdev(0).decodeReply(sys.replies().get(2)).items()));
        assertTrue(sys.closed().containsAll(List.of(new Handle(104), new Handle(107), new Handle(103),
                new Handle(102))), "devd closes the handles of ports that left: " + sys.closed());
    }
}
