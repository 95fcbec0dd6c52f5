package dev.verdict.testing.decider;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.verdict.decider.Decider;
import dev.verdict.decider.Process;
import dev.verdict.decider.View;
import org.junit.jupiter.api.Test;

/** The pure API – deciders, views, process managers – must stay usable without NATS, Jackson or any library. */
class PureApiDependenciesTest {
    private static final JavaClasses FRAMEWORK = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.verdict.decider", "dev.verdict.projection");

    @Test
    void deciderPackageDependsOnlyOnTheJdk() {
        ArchRule rule = classes()
                .that()
                .resideInAPackage("dev.verdict.decider..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.verdict.decider..");

        rule.check(FRAMEWORK);
    }

    @Test
    void viewAndProcessDependOnlyOnTheJdk() {
        ArchRule rule = classes()
                .that()
                .belongToAnyOf(View.class, Process.class)
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.verdict.decider..");

        rule.check(FRAMEWORK);
    }

    @Test
    void theRuleSeesTheDecider() {
        // guards against a vacuous pass: the importer really found the classes checked above
        org.assertj.core.api.Assertions.assertThat(FRAMEWORK.contain(Decider.class))
                .isTrue();
        org.assertj.core.api.Assertions.assertThat(FRAMEWORK.contain(View.class))
                .isTrue();
    }
}
