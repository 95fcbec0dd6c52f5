package dev.verdict.decider;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The pure API – deciders, views, process managers – must stay usable without NATS, Jackson or any library: the
 * {@code verdict-decider} artifact has no dependency, and its classes refer to nothing but the JDK.
 */
class PureApiDependenciesTest {
    private static final JavaClasses DECIDER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.verdict.decider");

    @Test
    void deciderPackageDependsOnlyOnTheJdk() {
        ArchRule rule = classes()
                .that()
                .resideInAPackage("dev.verdict.decider..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.verdict.decider..");

        rule.check(DECIDER);
    }

    @Test
    void viewAndProcessDependOnlyOnTheJdk() {
        ArchRule rule = classes()
                .that()
                .belongToAnyOf(View.class, Process.class)
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.verdict.decider..");

        rule.check(DECIDER);
    }

    @Test
    void theRuleSeesTheDecider() {
        // guards against a vacuous pass: the importer really found the classes checked above
        assertThat(DECIDER.contain(Decider.class)).isTrue();
        assertThat(DECIDER.contain(View.class)).isTrue();
        assertThat(DECIDER.contain(MultiDecider.class)).isTrue();
    }
}
