package org.circuitscope.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering DESIGN.md draws, on the compiled main classes of core and the server: the core
 * library knows nothing of the server or of LSP; packages form no cycle; editor features and
 * commands do not depend on each other; only org.circuitscope.lsp speaks LSP4J.
 */
class ArchitectureTest {
    static final String CORE = "org.circuitscope.(tensor|model|io|tokenizer|grad|train|circuits|engine|report|scan)..";
    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.circuitscope");
    }

    @Test
    void coreDependsOnNothingOfTheServer() {
        noClasses().that().resideInAPackage("org.circuitscope.(tensor|model|io|tokenizer|grad|train|circuits|engine|report|scan)..")
                .should().dependOnClassesThat().resideInAnyPackage("org.circuitscope.lsp..", "org.circuitscope.cli..", "org.circuitscope.view..",
                        "org.eclipse.lsp4j..", "picocli..")
                .check(classes);
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching("org.circuitscope.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void featuresAndCommandsDoNotDependOnEachOther() {
        noClasses().that().resideInAPackage("org.circuitscope.lsp.feature..")
                .should().dependOnClassesThat().resideInAPackage("org.circuitscope.lsp.command..").check(classes);
        noClasses().that().resideInAPackage("org.circuitscope.lsp.command..")
                .should().dependOnClassesThat().resideInAPackage("org.circuitscope.lsp.feature..").check(classes);
    }

    @Test
    void onlyTheLspPackagesImportLsp4j() {
        noClasses().that().resideOutsideOfPackage("org.circuitscope.lsp..")
                .should().dependOnClassesThat().resideInAPackage("org.eclipse.lsp4j..").check(classes);
    }
}
