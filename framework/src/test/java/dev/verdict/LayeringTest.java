package dev.verdict;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layers of the framework, as rules on its compiled classes (the framework's own, not its dependencies'):
 *
 * <ul>
 *   <li>{@code store} (the event store's ports, codecs and the NATS implementation) knows nothing of the command
 *       runtime or of projections;
 *   <li>{@code runtime} (commands) knows nothing of projections (projections may send commands: process managers),
 *       and inside it the arrows point down: runtime, handles, pipelines and their collaborators;
 *   <li>nothing in the framework uses Spring – the starter is a separate artifact;
 *   <li>{@code store.nats}, the JetStream implementation, is used only by itself and by {@code dev.verdict.nats} –
 *       everything else goes through the ports in {@code dev.verdict.store};
 *   <li>{@code projection} (and its sub-packages) consumes through the store's read-side ports, without the NATS
 *       client;
 *   <li>{@code dev.verdict.nats}, the wiring onto a NATS connection ({@code NatsProjections}), is on top: nothing else
 *       in the framework depends on it;
 *   <li>{@code routing} (owner-routed commands) is a layer on the runtime's public API, without the NATS client;
 *       nothing below it knows it;
 *   <li>{@code decider} (the {@code verdict-decider} artifact) depends on the JDK alone.
 * </ul>
 */
class LayeringTest {
    private static final JavaClasses FRAMEWORK = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.verdict");

    @Test
    void projectionsConsumeThroughTheStorePortsNotTheNatsClient() {
        noClasses()
                .that()
                .resideInAPackage("dev.verdict.projection..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.nats..", "dev.verdict.store.nats..")
                .check(FRAMEWORK);
    }

    @Test
    void routedCommandsAreALayerOnTheRuntimeWithoutTheNatsClient() {
        noClasses()
                .that()
                .resideInAPackage("dev.verdict.routing..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.nats..", "dev.verdict.store.nats..")
                .check(FRAMEWORK);
        noClasses()
                .that()
                .resideInAnyPackage("dev.verdict.runtime..", "dev.verdict.projection..", "dev.verdict.store..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.verdict.routing..")
                .check(FRAMEWORK);
    }

    @Test
    void theStoreKnowsNeitherTheRuntimeNorProjections() {
        noClasses()
                .that()
                .resideInAPackage("dev.verdict.store..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.verdict.runtime..", "dev.verdict.projection..")
                .check(FRAMEWORK);
    }

    @Test
    void theRuntimeKnowsNoProjection() {
        noClasses()
                .that()
                .resideInAPackage("dev.verdict.runtime..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.verdict.projection..")
                .check(FRAMEWORK);
    }

    /**
     * Inside {@code runtime}, the arrows point down only: {@code CommandRuntime} builds the handles and hands them their
     * collaborators ({@code PipelineDependencies}); the handles drive the pipelines; nothing reaches back up – no
     * handle, pipeline or collaborator uses {@code CommandRuntime} (the service locator issue 23 removed), and no
     * pipeline or collaborator uses a handle.
     */
    @Test
    void theRuntimesArrowsPointDown() {
        String runtime = "dev\\.verdict\\.runtime\\.";
        noClasses()
                .that()
                .resideInAPackage("dev.verdict.runtime")
                .and()
                .haveNameNotMatching(runtime + "CommandRuntime(\\$.*)?")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.verdict.runtime.CommandRuntime")
                .because("the runtime passes its collaborators down instead of being asked for them")
                .check(FRAMEWORK);
        noClasses()
                .that()
                .resideInAPackage("dev.verdict.runtime")
                .and()
                .haveNameNotMatching(runtime + "(CommandRuntime|EntityHandle|MultiEntityHandle)(\\$.*)?")
                .should()
                .dependOnClassesThat()
                .haveNameMatching(runtime + "(Multi)?EntityHandle")
                .because("the pipelines and their collaborators serve the handles and do not call them")
                .check(FRAMEWORK);
    }

    @Test
    void theFrameworkIsFreeOfSpring() {
        noClasses()
                .that()
                .resideInAPackage("dev.verdict..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.springframework..")
                .check(FRAMEWORK);
    }

    @Test
    void theNatsImplementationIsUsedOnlyThroughThePorts() {
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.verdict.store.nats..", "dev.verdict.nats..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.verdict.store.nats..")
                .check(FRAMEWORK);
    }

    @Test
    void theNatsWiringIsOnTop() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.verdict.nats..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.verdict.nats..")
                .check(FRAMEWORK);
    }

    @Test
    void theDeciderDependsOnTheJdkAlone() {
        JavaClasses decider = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.verdict.decider");
        assertThat(decider.contain("dev.verdict.decider.Decider")).isTrue();

        classes()
                .that()
                .resideInAPackage("dev.verdict.decider..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.verdict.decider..")
                .check(decider);
    }

    @Test
    void theRulesSeeTheFramework() {
        // guards against a vacuous pass: every layer the rules name was imported
        for (String type : List.of(
                "dev.verdict.store.EventStore",
                "dev.verdict.store.nats.NatsEventStore",
                "dev.verdict.runtime.CommandRuntime",
                "dev.verdict.projection.ProjectionRunner",
                "dev.verdict.nats.NatsProjections")) {
            assertThat(FRAMEWORK.contain(type)).as(type).isTrue();
        }
    }
}
