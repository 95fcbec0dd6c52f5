package dev.verdict.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.RunnerState;
import dev.verdict.projection.ViewProjection;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.spring.docs.DispensingService;
import dev.verdict.spring.docs.PharmacyConfiguration;
import dev.verdict.spring.docs.Rx;
import dev.verdict.spring.docs.Rx.RxEvent;
import dev.verdict.store.CommandIndex;
import dev.verdict.store.EventStore;
import dev.verdict.store.SnapshotStore;
import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.nats.NatsCommandIndex;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.testing.nats.NatsServerExtension;
import dev.verdict.testing.store.InMemoryEventStore;
import io.nats.client.Connection;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.ResolvableType;

/** The auto-configuration on a real nats-server: beans from properties, backing off, lifecycle. */
class StarterAutoConfigurationTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(VerdictAutoConfiguration.class))
                .withPropertyValues("verdict.nats.url=" + NATS.server().url());
    }

    @Test
    void beansAppearFromProperties() {
        runner().withPropertyValues("verdict.store.name=props", "verdict.store.duplicate-window=5m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(Connection.class);
                    assertThat(context).getBean(EventStore.class).isInstanceOf(NatsEventStore.class);
                    assertThat(context).getBean(SnapshotStore.class).isInstanceOf(NatsSnapshotStore.class);
                    assertThat(context).getBean(CommandIndex.class).isInstanceOf(NatsCommandIndex.class);
                    assertThat(context).hasSingleBean(CommandRuntime.class);
                    assertThat(context).hasSingleBean(ProjectionRunners.class);
                    NatsEventStoreConfig config = context.getBean(NatsEventStoreConfig.class);
                    assertThat(config.storeName().value()).isEqualTo("props");
                    assertThat(config.duplicateWindow()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(NATS.connection()
                                    .jetStreamManagement()
                                    .getStreamInfo("props")
                                    .getConfiguration()
                                    .getDuplicateWindow())
                            .isEqualTo(Duration.ofMinutes(5));
                });
    }

    @Test
    void theCommandIndexCanBeSwitchedOff() {
        runner().withPropertyValues("verdict.store.name=unindexed", "verdict.command-index.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(CommandIndex.class));
    }

    @Test
    void theCommandIndexTakesItsRetention() {
        runner().withPropertyValues(
                        "verdict.store.name=indexed",
                        "verdict.command-index.enabled=true",
                        "verdict.command-index.retention=1d",
                        "verdict.store.snapshots=false")
                .run(context -> {
                    assertThat(context).getBean(CommandIndex.class).isInstanceOf(NatsCommandIndex.class);
                    assertThat(context).doesNotHaveBean(SnapshotStore.class);
                    assertThat(NATS.connection()
                                    .keyValueManagement()
                                    .getStatus("indexed-commands")
                                    .getTtl())
                            .isEqualTo(Duration.ofDays(1));
                });
    }

    @Test
    void anUnreachableServerFailsTheStartWithoutShowingTheCredentials() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(VerdictAutoConfiguration.class))
                .withPropertyValues(
                        "verdict.nats.url=nats://app:s3cret-pw@127.0.0.1:" + closed,
                        "verdict.nats.connection-timeout=1s",
                        "verdict.store.name=unreachable")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .hasStackTraceContaining("cannot connect to NATS at nats://app:***@127.0.0.1:" + closed);
                    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cret-pw");
                    }
                });
    }

    @Test
    void withoutAStoreNameTheStartFailsSayingSo() {
        runner().run(context -> assertThat(context)
                .hasFailed()
                .getFailure()
                .rootCause()
                .hasMessageContaining("verdict.store.name is not set"));
    }

    @Test
    void aRegistrationBeanGetsATypedHandleAndCommandsWork() {
        runner().withPropertyValues("verdict.store.name=pharmacy")
                .withUserConfiguration(PharmacyConfiguration.class)
                .withBean(DispensingService.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    String[] handles = context.getBeanNamesForType(ResolvableType.forClassWithGenerics(
                            EntityHandle.class, Rx.RxCommand.class, Rx.class, RxEvent.class));
                    assertThat(handles).containsExactly("prescriptionsHandle");
                    Outcome<Rx, RxEvent> outcome =
                            context.getBean(DispensingService.class).dispense("rx-1", 5, "key-1");
                    assertThat(outcome.state()).isEqualTo(new Rx(25));
                    assertThat(context.getBean(CommandRuntime.class)
                                    .handleFor(dev.verdict.store.Category.of("prescription")))
                            .isPresent();

                    ProjectionRunner<?> total = context.getBean(ProjectionRunners.class)
                            .runner("dispensed-total")
                            .orElseThrow();
                    assertThat(total.awaitPosition(outcome.version(), Duration.ofSeconds(20)))
                            .isTrue();
                    @SuppressWarnings("unchecked")
                    ViewProjection<Integer, RxEvent> view = context.getBean("dispensedTotal", ViewProjection.class);
                    assertThat(view.state()).isEqualTo(5);
                });
    }

    @Test
    void runnersStopWithTheContext() {
        AtomicReference<ProjectionRunner<?>> runner = new AtomicReference<>();
        runner().withPropertyValues("verdict.store.name=pharmacy")
                .withUserConfiguration(PharmacyConfiguration.class)
                .run(context -> {
                    runner.set(context.getBean(ProjectionRunners.class)
                            .runner("dispensed-total")
                            .orElseThrow());
                    runner.get().caughtUp().get(20, TimeUnit.SECONDS);
                    assertThat(runner.get().status().state()).isEqualTo(RunnerState.RUNNING);
                });
        assertThat(runner.get().status().state()).isEqualTo(RunnerState.STOPPED);
    }

    @Test
    void runnersWaitWhenAutoStartupIsOff() {
        runner().withPropertyValues("verdict.store.name=pharmacy", "verdict.projections.auto-startup=false")
                .withUserConfiguration(PharmacyConfiguration.class)
                .run(context -> assertThat(context.getBean(ProjectionRunners.class)
                                .runner("dispensed-total")
                                .orElseThrow()
                                .status()
                                .state())
                        .isEqualTo(RunnerState.NEW));
    }

    @Test
    void theApplicationsOwnBeansWin() throws Exception {
        Connection own = NATS.server().connect(); // closed with the context, as Spring closes any AutoCloseable bean
        InMemoryEventStore store = InMemoryEventStore.named("own");
        CommandRuntime ownRuntime = CommandRuntime.builder(store).build();
        runner().withPropertyValues("verdict.store.name=own")
                .withBean(Connection.class, () -> own)
                .withBean(EventStore.class, () -> store)
                .withBean(CommandRuntime.class, () -> ownRuntime)
                .run(context -> {
                    assertThat(context).getBean(Connection.class).isSameAs(own);
                    assertThat(context).doesNotHaveBean(NatsEventStore.class);
                    assertThat(context).getBean(CommandRuntime.class).isSameAs(ownRuntime);
                });
        ownRuntime.close();
    }

    @Test
    void aStreamConfiguredOtherwiseFailsTheStartWithTheReason() throws Exception {
        NATS.connection()
                .jetStreamManagement()
                .addStream(StreamConfiguration.builder()
                        .name("wrong")
                        .subjects("wrong.>", "elsewhere.>")
                        .storageType(StorageType.File)
                        .build());
        runner().withPropertyValues("verdict.store.name=wrong")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .isInstanceOf(StoreMisconfigured.class)
                        .hasMessageContaining("subjects")
                        .hasMessageContaining("allow_atomic"));
    }
}
