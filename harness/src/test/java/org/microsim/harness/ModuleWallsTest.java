package org.microsim.harness;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.security.SecureRandom;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walls of DESIGN.md, checked rather than hoped for: tasks (drivers, services) see the kernel only through
 * abi; abi depends on nothing of ours; and nothing that runs inside the simulation reads the wall clock,
 * sleeps a real thread or draws from an unseeded random source (the free scheduler's clock aside).
 */
class ModuleWallsTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importEverything() {
        // Test classes may do what tasks may not (boot a kernel, run tools): leave out test-classes
        // directories, and the test-jars (fatfsd's test block server) on the harness's test classpath.
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("org.microsim");
    }

    @Test
    void driversAndServicesReachTheKernelOnlyThroughAbi() {
        ArchRule rule = noClasses().that().resideInAnyPackage("org.microsim.drivers..", "org.microsim.services..")
                .should().dependOnClassesThat().resideInAnyPackage("org.microsim.kernel..", "org.microsim.harness..")
                .because("a task sees the kernel only through the abi system-call interface");
        rule.check(classes);
    }

    @Test
    void abiDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("org.microsim.abi..")
                .should().dependOnClassesThat().resideInAnyPackage("org.microsim.kernel..", "org.microsim.drivers..",
                        "org.microsim.services..", "org.microsim.harness..")
                .check(classes);
    }

    @Test
    void theKernelKnowsNoDriverServiceOrHarness() {
        noClasses().that().resideInAPackage("org.microsim.kernel..")
                .should().dependOnClassesThat().resideInAnyPackage("org.microsim.drivers..", "org.microsim.services..",
                        "org.microsim.harness..")
                .check(classes);
    }

    @Test
    void simulatedCodeUsesOnlyTheKernelClockAndSeededRandomness() {
        noClasses().that().resideInAnyPackage("org.microsim.abi..", "org.microsim.kernel..", "org.microsim.drivers..",
                        "org.microsim.services..")
                .and().doNotHaveFullyQualifiedName("org.microsim.kernel.FreeScheduler")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(Math.class, "random")
                .orShould().callConstructor(Random.class)
                .orShould().callConstructor(SecureRandom.class)
                .orShould().callMethod(ThreadLocalRandom.class, "current")
                .because("time is the kernel clock's and randomness comes from the seed, or runs do not replay")
                .check(classes);
    }

    @Test
    void tasksDoNotStartThreadsOfTheirOwn() {
        noClasses().that().resideInAnyPackage("org.microsim.drivers..", "org.microsim.services..")
                .should().callConstructor(Thread.class, Runnable.class)
                .orShould().callMethod(Thread.class, "ofVirtual")
                .orShould().callMethod(Thread.class, "ofPlatform")
                .because("a task is one thread; the kernel decides what runs")
                .check(classes);
    }
}
