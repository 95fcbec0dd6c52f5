package dev.verdict;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
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
 *   <li>{@code runtime} (commands) knows nothing of projections (projections may send commands: process managers);
 *   <li>nothing in the framework uses Spring – the starter is a separate artifact;
 *   <li>{@code store.nats}, the JetStream implementation, is used only by itself – everything else goes through the
 *       ports in {@code dev.verdict.store} – except the classes listed in {@link #USING_STORE_NATS_TODAY};
 *   <li>{@code projection} consumes through the store's read-side ports, without the NATS client, except the classes
 *       listed in {@link #PROJECTION_USING_NATS_TODAY};
 *   <li>{@code decider} (the {@code verdict-decider} artifact) depends on the JDK alone.
 * </ul>
 */
class LayeringTest {
    private static final JavaClasses FRAMEWORK = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.verdict");

    /**
     * Known uses of {@code store.nats} outside it, frozen: {@code ProjectionRunner.builder(Connection, …)}, a thin
     * adapter that builds the NATS feeds ({@code NatsEventFeeds}) – the runner itself consumes through the read-side
     * ports ({@code EventFeeds}, {@code EventFeed}, {@code EventDelivery}, {@code DeadLetters}, {@code ProcessStates}). When a class stops using
     * {@code store.nats}, remove it here. A new entry needs a reason.
     */
    private static final List<String> USING_STORE_NATS_TODAY = List.of("dev.verdict.projection.ProjectionRunner");

    /**
     * Classes of {@code dev.verdict.projection} that still use the NATS client, frozen: the {@code builder(Connection,
     * …)} adapter. Everything else consumes through the read-side ports ({@code EventFeeds}, {@code DeadLetters},
     * {@code ProcessStates}). When a class stops using {@code io.nats}, remove it here; a new entry needs a reason.
     */
    private static final List<String> PROJECTION_USING_NATS_TODAY = List.of("dev.verdict.projection.ProjectionRunner");

    @Test
    void projectionsConsumeThroughTheStorePortsNotTheNatsClient() {
        noClasses()
                .that()
                .resideInAPackage("dev.verdict.projection..")
                .and(not(describe("frozen in PROJECTION_USING_NATS_TODAY", LayeringTest::frozenProjection)))
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.nats..")
                .check(FRAMEWORK);
    }

    @Test
    void theFrozenNatsUsersOfProjectionsStillUseIt() {
        for (String name : PROJECTION_USING_NATS_TODAY) {
            assertThat(FRAMEWORK.contain(name)).as(name).isTrue();
            assertThat(FRAMEWORK.stream()
                            .filter(c -> c.getName().equals(name) || c.getName().startsWith(name + "$"))
                            .flatMap(c -> c.getDirectDependenciesFromSelf().stream()))
                    .as(name + " still uses io.nats")
                    .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("io.nats"));
        }
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
                .resideOutsideOfPackage("dev.verdict.store.nats..")
                .and(not(describe("frozen in USING_STORE_NATS_TODAY", LayeringTest::frozen)))
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.verdict.store.nats..")
                .check(FRAMEWORK);
    }

    private static boolean frozen(JavaClass type) {
        return frozenIn(USING_STORE_NATS_TODAY, type);
    }

    private static boolean frozenProjection(JavaClass type) {
        return frozenIn(PROJECTION_USING_NATS_TODAY, type);
    }

    private static boolean frozenIn(List<String> frozen, JavaClass type) {
        String outermost = type.getName().split("\\$", 2)[0];
        return frozen.contains(outermost);
    }

    @Test
    void theFrozenExceptionsStillExist() {
        // an exception for a class that is gone (or no longer uses store.nats) is stale: remove it from the list
        for (String name : USING_STORE_NATS_TODAY) {
            assertThat(FRAMEWORK.contain(name)).as(name).isTrue();
            // the class or one of its nested classes (the frozen entry covers both)
            assertThat(FRAMEWORK.stream()
                            .filter(c -> c.getName().equals(name) || c.getName().startsWith(name + "$"))
                            .flatMap(c -> c.getDirectDependenciesFromSelf().stream()))
                    .as(name + " still uses store.nats")
                    .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("dev.verdict.store.nats"));
        }
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
                "dev.verdict.projection.ProjectionRunner")) {
            assertThat(FRAMEWORK.contain(type)).as(type).isTrue();
        }
    }
}
