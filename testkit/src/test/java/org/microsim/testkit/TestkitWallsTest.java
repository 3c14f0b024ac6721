package org.microsim.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The testkit's place among the modules (harness's ModuleWallsTest cannot see it: harness is below it): it may use
 * the harness and everything under it, nothing of the simulator uses it, and its packages do not go round in a
 * circle (actions are words of the language; assertions judge them; chains put both to work).
 */
class TestkitWallsTest {
    /** The simulator's classes and the testkit's, without tests (which may use anything). */
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.microsim");

    @Test
    void nothingOfTheSimulatorDependsOnTheTestkit() {
        noClasses().that().resideOutsideOfPackage("org.microsim.testkit..")
                .should().dependOnClassesThat().resideInAPackage("org.microsim.testkit..")
                .because("the testkit sits on top: harness, kernel, drivers and services must not need it")
                .check(CLASSES);
    }

    @Test
    void theTestkitsPackagesHaveNoCycle() {
        slices().matching("org.microsim.testkit.(**)").should().beFreeOfCycles().check(CLASSES);
        noClasses().that().resideInAPackage("org.microsim.testkit")
                .should().dependOnClassesThat().resideInAnyPackage("org.microsim.testkit.chain..",
                        "org.microsim.testkit.assertions..", "org.microsim.testkit.action..")
                .because("SimMachine and its builder are the base the rest stands on")
                .check(CLASSES);
    }
}
