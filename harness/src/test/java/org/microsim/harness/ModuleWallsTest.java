package org.microsim.harness;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walls of DESIGN.md, checked rather than hoped for. JPMS would say the same with module-info files, but
 * the simulator ships as one shaded jar and its tests share packages across modules' test-jars, where modules
 * do not hold; so the walls are these rules, run by the test command on every build:
 *
 * <pre>
 *   abi ◀── kernel ◀── images ◀── harness
 *    ▲  ◀── drivers/* (each alone) ◀──┘  │
 *    └──── services ◀────────────────────┘
 *   abi, kernel ◀── testkit-task ◀╌╌ the tests of drivers, services, images and harness (test scope only)
 * </pre>
 *
 * <ul>
 *   <li>tasks (drivers, services) see the kernel only through abi; a driver knows no other driver and no
 *       service, a service no driver; abi depends on nothing of ours; the kernel on abi alone; the host-side
 *       image builders ({@code images}) on no service and not on the harness;</li>
 *   <li>no package depends, however indirectly, on itself (kernel and kernel.machine included);</li>
 *   <li>nothing that runs inside the simulation reads the wall clock, sleeps a real thread, draws from an
 *       unseeded random source or starts threads or executors of its own (the free scheduler's clock and the
 *       kernel's own task threads aside): time is the kernel clock's, randomness the seed's.</li>
 * </ul>
 */
class ModuleWallsTest {
    private static final String ABI = "org.microsim.abi..";
    private static final String KERNEL = "org.microsim.kernel..";
    private static final String DRIVERS = "org.microsim.drivers..";
    private static final String SERVICES = "org.microsim.services..";
    private static final String IMAGES = "org.microsim.images..";
    private static final String HARNESS = "org.microsim.harness..";
    private static final String TESTKIT_TASK = "org.microsim.testkit.task..";
    /** Code that runs inside the simulation, as tasks or as the kernel. */
    private static final String[] SIMULATED = {ABI, KERNEL, DRIVERS, SERVICES};
    /** The one class that may read the host's clock: the free scheduler's virtual time follows it. */
    private static final String FREE_SCHEDULER = "org.microsim.kernel.FreeScheduler";

    private static JavaClasses classes;

    @BeforeAll
    static void importEverything() {
        // Test classes may do what tasks may not (boot a kernel, run tools): leave out test-classes
        // directories. testkit-task is a main jar and is imported: its walls are checked too.
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.microsim");
    }

    @Test
    void driversReachOnlyAbi() {
        noClasses().that().resideInAPackage(DRIVERS)
                .should().dependOnClassesThat().resideInAnyPackage(KERNEL, SERVICES, IMAGES, HARNESS, TESTKIT_TASK)
                .because("a driver is a task: it sees the kernel only through abi, and no service")
                .check(classes);
        slices().matching("org.microsim.drivers.(*)..").should().notDependOnEachOther()
                .because("a driver talks to another only by messages through the kernel")
                .check(classes);
    }

    @Test
    void servicesReachOnlyAbi() {
        noClasses().that().resideInAPackage(SERVICES)
                .should().dependOnClassesThat().resideInAnyPackage(KERNEL, DRIVERS, IMAGES, HARNESS, TESTKIT_TASK)
                .because("a service is a task: it sees the kernel only through abi, and drivers only by messages")
                .check(classes);
    }

    @Test
    void abiDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage(ABI)
                .should().dependOnClassesThat().resideInAnyPackage(KERNEL, DRIVERS, SERVICES, IMAGES, HARNESS)
                .check(classes);
    }

    @Test
    void theKernelKnowsOnlyAbi() {
        noClasses().that().resideInAPackage(KERNEL)
                .should().dependOnClassesThat().resideInAnyPackage(DRIVERS, SERVICES, IMAGES, HARNESS)
                .check(classes);
    }

    @Test
    void theTaskTestkitSitsOnAbiAndTheKernelAlone() {
        noClasses().that().resideInAPackage(TESTKIT_TASK)
                .should().dependOnClassesThat().resideInAnyPackage(DRIVERS, SERVICES, IMAGES, HARNESS)
                .because("anyone's driver or service is tested with it, so it knows none of ours")
                .check(classes);
    }

    @Test
    void imageBuildersAreHostSideTools() {
        noClasses().that().resideInAPackage(IMAGES)
                .should().dependOnClassesThat().resideInAnyPackage(SERVICES, HARNESS)
                .because("images builds disk images for the demo and tests; it runs no system")
                .check(classes);
    }

    @Test
    void noPackageDependsOnItself() {
        slices().matching("org.microsim.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void simulatedCodeUsesOnlyTheKernelClockAndSeededRandomness() {
        noClasses().that().resideInAnyPackage(SIMULATED).and().doNotHaveFullyQualifiedName(FREE_SCHEDULER)
                .should().callMethodWhere(call("reads the host's clock or sleeps a real thread",
                        access -> readsTheHostClock(owner(access), access.getName())))
                .orShould().callMethodWhere(call("draws from an unseeded random source",
                        access -> drawsUnseededRandomness(owner(access), access.getName())))
                .because("time is the kernel clock's and randomness comes from the seed, or runs do not replay")
                .check(classes);
        // The kernel makes the run's random streams, each from the seed; tasks draw from theirs (Sys.random).
        noClasses().that().resideInAnyPackage(KERNEL)
                .should().callConstructorWhere(call("makes an unseeded random source",
                        access -> RANDOM_SOURCES.contains(owner(access))
                                && (access.getTarget().getRawParameterTypes().isEmpty()
                                || owner(access).equals("java.security.SecureRandom"))))
                .because("every random stream of a run comes from its seed")
                .check(classes);
        noClasses().that().resideInAnyPackage(ABI, DRIVERS, SERVICES)
                .should().callConstructorWhere(call("makes a random source of its own",
                        access -> RANDOM_SOURCES.contains(owner(access))))
                .because("a task's randomness is its stream of the run's seed (Sys.random), nothing else")
                .check(classes);
    }

    @Test
    void tasksDoNotStartThreadsOrExecutorsOfTheirOwn() {
        noClasses().that().resideInAnyPackage(ABI, DRIVERS, SERVICES)
                .should().callMethodWhere(call("starts a thread or an executor",
                        access -> startsThreads(owner(access), access.getName())))
                .orShould().callConstructorWhere(call("makes a thread, a timer or an executor",
                        access -> startsThreads(owner(access), access.getName())))
                .because("a task is one thread; the kernel decides what runs")
                .check(classes);
    }

    private static <T extends JavaAccess<?>> DescribedPredicate<T> call(String description, Predicate<T> target) {
        return DescribedPredicate.describe(description, target);
    }

    private static String owner(JavaAccess<?> access) {
        return access.getTargetOwner().getFullName();
    }

    private static boolean readsTheHostClock(String owner, String name) {
        return switch (owner) {
            case "java.lang.System" -> name.equals("currentTimeMillis") || name.equals("nanoTime");
            case "java.lang.Thread" -> name.equals("sleep");
            case "java.util.concurrent.TimeUnit" -> name.equals("sleep");
            case "java.time.Clock" -> name.startsWith("system") || name.equals("tickMillis")
                    || name.equals("tickSeconds") || name.equals("tickMinutes");
            case "java.time.InstantSource" -> name.equals("system");
            default -> owner.startsWith("java.time.") && name.equals("now");
        };
    }

    private static final Set<String> RANDOM_SOURCES = Set.of("java.util.Random", "java.security.SecureRandom",
            "java.util.SplittableRandom");

    private static boolean drawsUnseededRandomness(String owner, String name) {
        return (owner.equals("java.util.concurrent.ThreadLocalRandom") && name.equals("current"))
                || (owner.equals("java.lang.Math") && name.equals("random"))
                || (owner.equals("java.lang.StrictMath") && name.equals("random"))
                || (owner.equals("java.util.UUID") && name.equals("randomUUID"))
                || (owner.startsWith("java.util.random.") && (name.equals("getDefault") || name.equals("of")));
    }

    private static boolean startsThreads(String owner, String name) {
        return switch (owner) {
            case "java.lang.Thread" -> name.equals("<init>") || name.equals("ofVirtual") || name.equals("ofPlatform")
                    || name.equals("startVirtualThread") || name.equals("start");
            case "java.util.concurrent.Executors", "java.util.concurrent.ForkJoinPool" -> true;
            case "java.util.concurrent.ThreadPoolExecutor", "java.util.concurrent.ScheduledThreadPoolExecutor",
                 "java.util.Timer" -> name.equals("<init>");
            case "java.util.concurrent.CompletableFuture" -> name.endsWith("Async");
            default -> false;
        };
    }
}
