package org.microsim.services.svcman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.services.svcman.Specs.MS;
import static org.microsim.services.svcman.Specs.spec;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Replies;
import org.microsim.abi.TaskId;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.abi.svc.SvcErrorCode;
import org.microsim.abi.svc.SvcRequest;
import org.microsim.testkit.task.ScriptedSys;

class ServiceManagerProgramTest {
    private static final TaskId INIT = ScriptedKernel.INIT;
    private final ScriptedKernel kernel = ScriptedKernel.world("svcman");
    private final ScriptedSys sys = kernel.sys();

    private void crash(long at, TaskId task, String name) {
        sys.at(at, TaskId.KERNEL, new KernelNotice.TaskEnded(task, name, "boom", true).toMessage(), false);
    }

    private void run() {
        assertThrows(ScriptedSys.Finished.class, () -> new ServiceManagerProgram(Duration.ofMillis(300)).run(sys));
    }

    @Test
    void theLoopSpawnsRestartsWithTheNextGenerationAndKillsDependents() throws MalformedException {
        sys.at(0, INIT, spec("ahci").toMessage(), true);
        sys.at(0, INIT, spec("partd", "ahci").toMessage(), true);
        sys.at(1 * MS, INIT, new SvcRequest.Start("partd").toMessage(), true);
        sys.at(2 * MS, new TaskId(2, 0), new SvcRequest.Ready().toMessage(), true);
        sys.at(3 * MS, new TaskId(3, 0), new SvcRequest.Ready().toMessage(), true);
        crash(1_000 * MS, new TaskId(2, 0), "ahci");
        crash(1_001 * MS, new TaskId(2, 0), "ahci");
        sys.at(1_001 * MS, new TaskId(66, 0),
                new KernelNotice.TaskEnded(new TaskId(3, 0), "partd", "forged", true).toMessage(), false);
        sys.at(1_020 * MS, new TaskId(2, 1), new SvcRequest.Ready().toMessage(), true);
        sys.at(1_030 * MS, INIT, new SvcRequest.ListAll(0).toMessage(), true);
        run();
        assertEquals(List.of("request 32", "request 33", "find ahci", "find partd", "spawn ahci 2.0 at 1ms", "spawn partd 3.0 at 2ms",
                "kill 3.0", "spawn ahci 2.1 at 1010ms", "spawn partd 3.1 at 1020ms"), kernel.log());
        Message list = sys.replies().getLast();
        List<ServiceStatus> statuses = new SvcRequest.ListAll(0).decodeReply(list).items();
        // Restarts count every task started again in the slot (partd 3.1 too): what ps shows as the generation.
        assertEquals("ahci ready restarts=1 deps=-\npartd starting restarts=1 deps=ahci\n",
                ServiceTable.render(statuses).replaceAll(" why=\"[^\"]*\"", ""));
        assertEquals(List.of("svcman: ignored message 11 from task 66.0: it is not a call"), sys.logs());
    }

    @Test
    void aRestartedManagerTakesOnTheTasksItsPredecessorStartedAndCountsOnFromTheirGenerations()
            throws MalformedException {
        kernel.existing().put("ahci", new KernelRequest.FoundTask(new TaskId(2, 3), "ahci-prog", true));
        kernel.existing().put("partd", new KernelRequest.FoundTask(new TaskId(3, 1), "partd-prog", false));
        kernel.existing().put("other", new KernelRequest.FoundTask(new TaskId(4, 0), "not-its-program", true));
        sys.at(0, INIT, spec("ahci").toMessage(), true);
        sys.at(0, INIT, spec("partd", "ahci").toMessage(), true);
        sys.at(0, INIT, spec("other").toMessage(), true);
        sys.at(1 * MS, INIT, new SvcRequest.ListAll(0).toMessage(), true);
        sys.at(2 * MS, INIT, new SvcRequest.Start("partd").toMessage(), true);
        crash(1_000 * MS, new TaskId(2, 3), "ahci");
        run();
        assertEquals(List.of("request 32", "request 33", "find ahci", "find partd", "find other",
                "spawn partd 3.2 at 2ms", "kill 3.2", "spawn ahci 2.4 at 1010ms"), kernel.log().subList(0, 8));
        List<ServiceStatus> statuses = new SvcRequest.ListAll(0).decodeReply(sys.replies().get(3)).items();
        assertEquals("ahci ready restarts=3 deps=-\nother stopped restarts=0 deps=-\n"
                + "partd stopped restarts=1 deps=ahci\n",
                ServiceTable.render(statuses).replaceAll(" why=\"[^\"]*\"", ""));
        assertEquals(List.of("svcman: ahci runs as task 2.3: taken on"), sys.logs());
    }

    @Test
    void startHandlesGoWithEverySpawnAndAreClosedWhenRefusedOrForgotten() {
        Handle device = new Handle(40);
        sys.at(0, INIT, new SvcRequest.Register("ahci#2", "ahci", List.of(), Specs.CONTRACT.withReadyOnStart(true),
                List.of(), List.of(device)).toMessage(), true);
        sys.at(0, INIT, new SvcRequest.Register("ahci#2", "ahci", List.of(), Specs.CONTRACT, List.of(),
                List.of(new Handle(41))).toMessage(), true);
        sys.at(1 * MS, INIT, new SvcRequest.Start("ahci#2").toMessage(), true);
        crash(1_000 * MS, new TaskId(2, 0), "ahci#2");
        sys.at(2_000 * MS, INIT, new SvcRequest.Unregister("ahci#2").toMessage(), true);
        run();
        assertEquals(List.of("request 32", "request 33", "find ahci#2", "spawn ahci#2 2.0 at 1ms with [h40]",
                "spawn ahci#2 2.1 at 1010ms with [h40]", "kill 2.1"), kernel.log());
        assertEquals(List.of(new Handle(41), device), sys.closed());
    }

    @Test
    void reservedNamesStartTheirOwnerAndWaitersAreReleasedOnTimeout() {
        sys.at(0, INIT, Specs.spec("partd", Specs.CONTRACT, List.of("disk0p1")).toMessage(), true);
        sys.at(5 * MS, TaskId.KERNEL, new KernelNotice.NameWanted("disk0p1", INIT).toMessage(), false);
        sys.at(6 * MS, TaskId.KERNEL, new KernelNotice.NameWanted("elsewhere", INIT).toMessage(), false);
        run();
        assertEquals(List.of("request 32", "request 33", "find partd", "spawn partd 2.0 at 5ms",
                "unavailable disk0p1: partd did not provide disk0p1 within 300 ms (it is starting)"), kernel.log());
    }

    @Test
    void onlyInitDevdAndTheConsoleMayStartServices() throws MalformedException {
        TaskId stranger = new TaskId(66, 0);
        sys.at(0, stranger, Specs.spec("evil", Specs.CONTRACT, List.of()).toMessage(), true);
        sys.at(1, stranger, new SvcRequest.Start("anything").toMessage(), true);
        sys.at(2, stranger, new SvcRequest.ListAll(0).toMessage(), true);
        sys.at(3, TaskId.CONSOLE, new SvcRequest.Start("nothing").toMessage(), true);
        run();
        assertEquals(4, sys.replies().size());
        assertEquals(SvcErrorCode.DENIED.code(), Replies.failure(sys.replies().get(0)).code());
        assertEquals(SvcErrorCode.DENIED.code(), Replies.failure(sys.replies().get(1)).code());
        assertEquals(null, Replies.failure(sys.replies().get(2)));
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE.code(), Replies.failure(sys.replies().get(3)).code());
        assertEquals(List.of("request 32", "request 33"), kernel.log());
    }

    @Test
    void malformedRequestsGetErrorRepliesAndTheLoopGoesOn() throws MalformedException {
        sys.at(0, INIT, Message.of(SvcRequest.START, new byte[] {1}), true);
        sys.at(0, TaskId.KERNEL, Message.of(MsgIds.NOTIFY_TASK_CRASHED, new byte[] {1, 2}), false);
        sys.at(1, INIT, new SvcRequest.ListAll(0).toMessage(), true);
        run();
        assertEquals(2, sys.replies().size());
        assertEquals(MsgIds.REPLY_ERROR, sys.replies().getFirst().msgId());
        assertEquals(null, Replies.failure(sys.replies().getLast()));
        assertEquals(2, sys.logs().size(), "each problem logged once: " + sys.logs());
        assertTrue(sys.logs().get(0).startsWith("svcman: malformed service manager request 202 from task 9.0"),
                sys.logs().get(0));
        assertTrue(sys.logs().get(1).startsWith("svcman: malformed kernel notice 11"), sys.logs().get(1));
    }
}
