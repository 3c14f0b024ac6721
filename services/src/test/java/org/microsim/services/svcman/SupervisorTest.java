package org.microsim.services.svcman;

import org.microsim.abi.svc.SvcException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.services.svcman.Specs.CONTRACT;
import static org.microsim.services.svcman.Specs.MS;
import static org.microsim.services.svcman.Specs.spec;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Handle;
import org.microsim.abi.svc.RestartContract;
import org.microsim.abi.svc.ServiceState;
import org.microsim.abi.svc.SvcErrorCode;
import org.microsim.abi.svc.SvcRequest;

class SupervisorTest {
    private long now;
    private final Supervisor sup = new Supervisor(() -> now, 500 * MS);

    private void storage() throws SvcException {
        sup.register(spec("ahci"));
        sup.register(spec("partd", "ahci"));
        sup.register(spec("fatfsd", "partd"));
        sup.register(spec("vfs", "fatfsd"));
    }

    private List<Action> ready(String name) {
        return sup.on(new Event.ReadyReported(name));
    }

    private void bootAll() throws SvcException {
        storage();
        sup.start("vfs").actions();
        ready("ahci");
        ready("partd");
        ready("fatfsd");
        ready("vfs");
    }

    private static Action.Spawn spawn(String name) {
        return new Action.Spawn(name, name + "-prog", List.of());
    }

    @Test
    void startHandlesGoWithEverySpawnOfTheirService() throws SvcException {
        List<Handle> device = List.of(new Handle(7), new Handle(8));
        sup.register(new SvcRequest.Register("ahci#2", "ahci", List.of(), CONTRACT.withReadyOnStart(true),
                List.of(), device));
        Action.Spawn first = new Action.Spawn("ahci#2", "ahci", device);
        assertEquals(List.of(first), sup.start("ahci#2").actions());
        sup.on(new Event.TaskStarted("ahci#2"));
        now = 1_000 * MS;
        Action.ScheduleTimer restart = (Action.ScheduleTimer) sup.on(new Event.Crashed("ahci#2", "boom")).getLast();
        now = restart.at();
        assertEquals(List.of(first), sup.on(new Event.TimerFired(restart.timer())));
        assertEquals(List.of(new Action.Kill("ahci#2", "restart requested for ahci#2"), first),
                sup.restart("ahci#2").actions());
    }

    @Test
    void unregisterIsRefusedWhileDependedOnAndOtherwiseStopsAndForgets() throws SvcException {
        sup.register(new SvcRequest.Register("ahci#2", "ahci", List.of(), CONTRACT, List.of("disk0"),
                List.of(new Handle(7))));
        sup.register(spec("partd#5", "ahci#2"));
        sup.start("partd#5").actions();
        ready("ahci#2");
        String before = ServiceTable.render(sup.statuses());
        SvcException inUse = assertThrows(SvcException.class, () -> sup.unregister("ahci#2"));
        assertEquals(SvcErrorCode.IN_USE, inUse.error());
        assertTrue(inUse.getMessage().contains("partd#5"), inUse.getMessage());
        assertEquals(before, ServiceTable.render(sup.statuses()));
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE, assertThrows(SvcException.class,
                () -> sup.unregister("nosuch")).error());

        assertEquals(List.of(new Action.Kill("partd#5", "unregistered"), new Action.Forget("partd#5", List.of())),
                sup.unregister("partd#5"));
        sup.on(new Event.NameWanted("disk0"));
        assertEquals(List.of(new Action.Kill("ahci#2", "unregistered"),
                new Action.NameUnavailable("disk0", "ahci#2 was unregistered"),
                new Action.Forget("ahci#2", List.of(new Handle(7)))), sup.unregister("ahci#2"));
        assertEquals(List.of(), sup.statuses());
        assertEquals(List.of(), sup.on(new Event.Crashed("ahci#2", "late")), "events about it change nothing");
        sup.register(new SvcRequest.Register("ahci#2", "ahci", List.of(), CONTRACT, List.of("disk0")));
        assertEquals(ServiceState.STOPPED, sup.state("ahci#2"), "the name and its reserved names are free again");
    }

    @Test
    void startSpawnsDependenciesFirstEachAfterTheOneBeforeIsReady() throws SvcException {
        storage();
        assertEquals(List.of(spawn("ahci")), sup.start("vfs").actions());
        assertEquals(ServiceState.WAITING, sup.state("partd"));
        assertEquals(List.of(spawn("partd")), ready("ahci"));
        assertEquals(List.of(spawn("fatfsd")), ready("partd"));
        assertEquals(List.of(spawn("vfs")), ready("fatfsd"));
        assertEquals(List.of(), ready("vfs"));
        assertEquals(ServiceState.READY, sup.state("vfs"));
    }

    @Test
    void aCrashKillsDependentsTopDownThenRestartsAfterBackoffAndBringsThemBack() throws SvcException {
        bootAll();
        now = 1_000 * MS;
        List<Action> crash = sup.on(new Event.Crashed("partd", "boom"));
        assertEquals(List.of(new Action.Kill("vfs", "dependency partd crashed"),
                new Action.Kill("fatfsd", "dependency partd crashed"),
                new Action.ScheduleTimer(new Timer(Timer.Kind.RESTART, "partd", 5), now + 10 * MS)), crash);
        assertEquals(ServiceState.BACKOFF, sup.state("partd"));
        assertEquals(ServiceState.WAITING, sup.state("vfs"));
        assertEquals(ServiceState.READY, sup.state("ahci"), "what partd needs is left alone");
        now += 10 * MS;
        assertEquals(List.of(spawn("partd")), sup.on(new Event.TimerFired(new Timer(Timer.Kind.RESTART, "partd", 5))));
        assertEquals(List.of(spawn("fatfsd")), ready("partd"));
        assertEquals(List.of(spawn("vfs")), ready("fatfsd"));
        ready("vfs");
        assertEquals("partd ready restarts=1 deps=ahci", ServiceTable.line(sup.status("partd")));
    }

    @Test
    void backoffDoublesToTheCapAndResetsAfterAGoodRun() throws SvcException {
        sup.register(spec("a", new RestartContract(RestartContract.Policy.ON_CRASH, 100, 1_000_000 * MS, 10 * MS,
                40 * MS, 100 * MS, 2, 0, false), List.of()));
        sup.start("a").actions();
        ready("a");
        long[] expected = {10, 20, 40, 40};
        for (long delay : expected) {
            now += MS;
            Action.ScheduleTimer t = (Action.ScheduleTimer) sup.on(new Event.Crashed("a", "x")).getFirst();
            assertEquals(now + delay * MS, t.at());
            now = t.at();
            sup.on(new Event.TimerFired(t.timer()));
            ready("a");
        }
        now += 100 * MS;
        Action.ScheduleTimer t = (Action.ScheduleTimer) sup.on(new Event.Crashed("a", "x")).getFirst();
        assertEquals(now + 10 * MS, t.at(), "a run of minRun resets the backoff");
    }

    @Test
    void aStartTheKernelRefusesFailsAtOnceAndItsDependentsWait() throws SvcException {
        sup.register(spec("ethd"));
        sup.register(spec("netd", "ethd"));
        assertEquals(List.of(spawn("ethd")), sup.start("netd").actions());
        assertEquals(List.of(), sup.on(new Event.SpawnRefused("ethd", "no program named 'ethd'")));
        assertEquals(ServiceState.FAILED, sup.state("ethd"));
        assertEquals("cannot be started: no program named 'ethd'", sup.status("ethd").detail());
        assertEquals(ServiceState.WAITING, sup.state("netd"));
        assertEquals(List.of(), sup.on(new Event.SpawnRefused("ethd", "again")), "a failed service stays failed");
        assertEquals(List.of(spawn("ethd")), sup.start("ethd").actions(), "an explicit start tries again");
    }

    @Test
    void crashesDuringStartupAreRetriedABoundedNumberOfTimes() throws SvcException {
        sup.register(spec("d"));
        sup.start("d").actions();
        for (int i = 0; i < CONTRACT.startupRetries(); i++) {
            Action.ScheduleTimer t = (Action.ScheduleTimer) sup.on(new Event.Crashed("d", "bad")).getFirst();
            now = t.at();
            assertEquals(List.of(spawn("d")), sup.on(new Event.TimerFired(t.timer())));
        }
        assertEquals(List.of(), sup.on(new Event.Crashed("d", "bad")));
        assertEquals(ServiceState.FAILED, sup.state("d"));
        assertTrue(sup.status("d").detail().contains("3 times while starting"), sup.status("d").detail());
        assertEquals(List.of(spawn("d")), sup.start("d").actions(), "an explicit start tries again");
    }

    @Test
    void aServiceThatNeverReportsReadyIsKilledAndCountsAsAStartupCrash() throws SvcException {
        sup.register(spec("slow", CONTRACT.withStartTimeout(50 * MS), List.of()));
        sup.register(spec("user", "slow"));
        List<Action> start = sup.start("user").actions();
        Action.ScheduleTimer timeout = (Action.ScheduleTimer) start.get(1);
        assertEquals(new Timer(Timer.Kind.START_TIMEOUT, "slow", 1), timeout.timer());
        assertEquals(50 * MS, timeout.at());
        for (int attempt = 0; attempt <= CONTRACT.startupRetries(); attempt++) {
            now = timeout.at();
            List<Action> fired = sup.on(new Event.TimerFired(timeout.timer()));
            assertEquals(new Action.Kill("slow", "did not report ready within 50 ms"), fired.getFirst());
            if (attempt == CONTRACT.startupRetries()) {
                assertEquals(1, fired.size());
                break;
            }
            Action.ScheduleTimer restart = (Action.ScheduleTimer) fired.get(1);
            now = restart.at();
            List<Action> respawn = sup.on(new Event.TimerFired(restart.timer()));
            assertEquals(List.of(spawn("slow")), respawn.subList(0, 1));
            timeout = (Action.ScheduleTimer) respawn.get(1);
        }
        assertEquals(ServiceState.FAILED, sup.state("slow"));
        assertEquals(ServiceState.WAITING, sup.state("user"), "its dependent waits; it is not hung in starting");
        sup.restart("slow").actions();
        ready("slow");
        assertEquals(List.of(), sup.on(new Event.TimerFired(timeout.timer())), "a stale timeout does nothing");
    }

    @Test
    void moreRestartsThanTheIntensityAllowsFails() throws SvcException {
        sup.register(spec("a"));
        sup.start("a").actions();
        for (int i = 0; i < CONTRACT.maxRestarts(); i++) {
            ready("a");
            now += MS;
            Action.ScheduleTimer t = (Action.ScheduleTimer) sup.on(new Event.Crashed("a", "x")).getFirst();
            now = t.at();
            sup.on(new Event.TimerFired(t.timer()));
        }
        ready("a");
        now += MS;
        sup.on(new Event.Crashed("a", "x"));
        assertEquals(ServiceState.FAILED, sup.state("a"));
        assertEquals(3, sup.status("a").restarts());
    }

    @Test
    void restartsOutsideTheWindowDoNotCount() throws SvcException {
        sup.register(spec("a"));
        sup.start("a").actions();
        for (int i = 0; i < 10; i++) {
            ready("a");
            now += 2_000 * MS;
            Action.ScheduleTimer t = (Action.ScheduleTimer) sup.on(new Event.Crashed("a", "x")).getFirst();
            now = t.at();
            sup.on(new Event.TimerFired(t.timer()));
        }
        assertEquals(ServiceState.STARTING, sup.state("a"));
    }

    @Test
    void policyNeverFailsOnTheFirstCrashAndStaleEventsChangeNothing() throws SvcException {
        sup.register(spec("a", CONTRACT.withPolicy(RestartContract.Policy.NEVER), List.of()));
        sup.start("a").actions();
        ready("a");
        assertEquals(List.of(), sup.on(new Event.Crashed("a", "x")));
        assertEquals(ServiceState.FAILED, sup.state("a"));
        assertEquals(List.of(), sup.on(new Event.Crashed("a", "again")));
        assertEquals(List.of(), sup.on(new Event.ReadyReported("a")));
        assertEquals(List.of(), sup.on(new Event.Crashed("nobody", "x")));
        assertEquals(ServiceState.FAILED, sup.state("a"));
    }

    @Test
    void stopKillsDependentsFirstAndCancelsPendingRestarts() throws SvcException {
        bootAll();
        assertEquals(List.of(new Action.Kill("vfs", "stop requested for partd"),
                new Action.Kill("fatfsd", "stop requested for partd"),
                new Action.Kill("partd", "stop requested for partd")), sup.stop("partd").actions());
        assertEquals(ServiceState.READY, sup.state("ahci"));
        assertEquals(List.of("partd", "fatfsd", "vfs"), sup.start("partd").services(),
                "a start undoes the stop: what it took down comes back");
        ready("partd");
        assertEquals(ServiceState.STARTING, sup.state("fatfsd"));
        Action.ScheduleTimer t = sup.on(new Event.Crashed("partd", "x")).stream()
                .filter(Action.ScheduleTimer.class::isInstance).map(Action.ScheduleTimer.class::cast).findFirst()
                .orElseThrow();
        sup.stop("partd").actions();
        assertEquals(List.of(), sup.on(new Event.TimerFired(t.timer())), "a stale restart timer does nothing");
        assertEquals(ServiceState.STOPPED, sup.state("partd"));
    }

    @Test
    void readyOnStartServicesAreReadyWhenTheirTaskRuns() throws SvcException {
        sup.register(spec("a", CONTRACT.withReadyOnStart(true), List.of()));
        sup.register(spec("b", "a"));
        sup.start("b").actions();
        assertEquals(List.of(spawn("b")), sup.on(new Event.TaskStarted("a")));
        assertEquals(List.of(), sup.on(new Event.TaskStarted("b")), "b reports ready itself");
    }

    @Test
    void theFirstLookupOfAReservedNameStartsItsOwnerAndOnlyReservedNamesDoSo() throws SvcException {
        sup.register(spec("ahci"));
        sup.register(spec("partd", CONTRACT, List.of("disk0p1"), "ahci"));
        assertEquals(List.of(), sup.on(new Event.NameWanted("anything")));
        assertEquals(List.of(new Action.ScheduleTimer(new Timer(Timer.Kind.LOOKUP, "disk0p1", 0), 500 * MS),
                spawn("ahci")), sup.on(new Event.NameWanted("disk0p1")));
        assertEquals(List.of(), sup.on(new Event.NameWanted("disk0p1")), "one timer per name, one start");
        ready("ahci");
        sup.on(new Event.PortAppeared("disk0p1"));
        now = 500 * MS;
        assertEquals(List.of(), sup.on(new Event.TimerFired(new Timer(Timer.Kind.LOOKUP, "disk0p1", 0))),
                "the port appeared: nobody is waiting any more");
    }

    @Test
    void waitersAreToldWhenTheOwnerFailsOrTimesOut() throws SvcException {
        sup.register(spec("partd", CONTRACT.withPolicy(RestartContract.Policy.NEVER), List.of("p0", "p1")));
        sup.on(new Event.NameWanted("p0"));
        List<Action> crash = sup.on(new Event.Crashed("partd", "bad disk"));
        assertEquals(List.of(new Action.NameUnavailable("p0",
                "partd failed: crashed (bad disk), restart policy is never")), crash);
        Action failedNow = sup.on(new Event.NameWanted("p1")).getFirst();
        assertTrue(((Action.NameUnavailable) failedNow).reason().startsWith("partd failed"));

        sup.register(spec("slow", CONTRACT, List.of("s0")));
        Action.ScheduleTimer t = (Action.ScheduleTimer) sup.on(new Event.NameWanted("s0")).getFirst();
        now = t.at();
        assertEquals(List.of(new Action.NameUnavailable("s0",
                "slow did not provide s0 within 500 ms (it is starting)")),
                sup.on(new Event.TimerFired(t.timer())));
    }

    @Test
    void refusedRegistrationsChangeNothing() throws SvcException {
        sup.register(spec("a", CONTRACT, List.of("n")));
        assertEquals(SvcErrorCode.EXISTS, assertThrows(SvcException.class,
                () -> sup.register(spec("b", CONTRACT, List.of("n")))).error());
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE, assertThrows(SvcException.class,
                () -> sup.register(spec("c", "zz"))).error());
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE, assertThrows(SvcException.class,
                () -> sup.start("zz").actions()).error());
        assertEquals(SvcErrorCode.BAD_REQUEST, assertThrows(SvcException.class,
                () -> sup.depend("a", "a")).error());
        assertEquals("a stopped restarts=0 deps=-\n", ServiceTable.render(sup.statuses()));
    }
}
