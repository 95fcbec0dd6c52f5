package dev.verdict.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.reliability.BoundedCounter.Command;
import dev.verdict.reliability.BoundedCounter.Counter;
import dev.verdict.reliability.BoundedCounter.Event;
import dev.verdict.reliability.StoredMessages.Stored;
import dev.verdict.runtime.AppendedEvent;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsRecordedEvents;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 2: a single nats-server restarts under load. The runtime and the projection recover by themselves
 * (reconnect), a command in flight either succeeds once or fails clearly, and deduplication covers the "failed but
 * actually stored" case – made deterministic with a proxy that loses the server's acknowledgement.
 */
class SingleServerRestartTest {
    static {
        PatientServerStarts.apply();
    }

    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final int CLIENTS = 4;
    private static final int ENTITIES = 50;
    private static final int RESTARTS = Soak.pick(2, 10);
    private static final Duration LOAD = Duration.ofSeconds(Soak.pick(2, 15));
    private static final Duration DOWN = Duration.ofSeconds(Soak.pick(2, 5));
    private static final AtomicInteger STORES = new AtomicInteger();

    private static NatsEventStoreConfig config(String name) {
        return NatsEventStoreConfig.builder()
                .storeName(StoreName.of(name + STORES.incrementAndGet()))
                .requestTimeout(Duration.ofSeconds(1))
                .build();
    }

    private static Registration<Command, Counter, Event> registration() {
        return Registration.of("counter", BoundedCounter.decider(), BoundedCounter.CODEC)
                .withStateCodec(JsonStateCodec.of(Counter.class))
                .withSnapshotPolicy(SnapshotPolicy.everyEvents(10));
    }

    @Test
    void theRuntimeAndAProjectionRecoverByThemselvesWhenTheServerRestartsUnderLoad() throws Exception {
        NatsServer server = NATS.server();
        CommandLedger ledger = new CommandLedger();
        AuditingProjection projection = new AuditingProjection("restart-audit");
        long acceptedBeforeLastRestart = 0;
        try (Connection app = server.connect();
                Connection readers = server.connect()) {
            NatsEventStoreConfig config = config("restart");
            NatsEventStore store = NatsEventStore.create(app, config);
            NatsSnapshotStore snapshots = NatsSnapshotStore.create(app, config);
            ProjectionRunner<Event> runner = NatsProjections.runner(
                            readers,
                            SubjectFilter.category(store.name(), Category.of("counter")),
                            BoundedCounter.CODEC,
                            m -> NatsRecordedEvents.fromMessage(store.name(), m),
                            projection)
                    .ackWait(Duration.ofSeconds(5))
                    .build();
            try (CommandRuntime runtime =
                    CommandRuntime.builder(store).snapshots(snapshots).build()) {
                EntityHandle<Command, Counter, Event> counters = runtime.register(registration());
                runner.start();
                CommandLoad load = new CommandLoad(counters, ledger, ENTITIES, Duration.ofSeconds(30), "restart");
                load.start(CLIENTS);
                for (int i = 0; i < RESTARTS; i++) {
                    Thread.sleep(LOAD.toMillis());
                    server.stop();
                    acceptedBeforeLastRestart = ledger.count(CommandLedger.Result.ACCEPTED);
                    Thread.sleep(DOWN.toMillis());
                    server.start();
                }
                Thread.sleep(LOAD.toMillis());
                load.stop();

                assertThat(ledger.count(CommandLedger.Result.ACCEPTED))
                        .as("commands accepted after the last restart, on the same runtime and connection")
                        .isGreaterThan(acceptedBeforeLastRestart);
                ScenarioVerdict.check(
                        "2. single-server restart",
                        RESTARTS + " server stops (" + DOWN.toSeconds() + " s down) and restarts, " + CLIENTS
                                + " clients, " + ENTITIES + " counters, same runtime, connection and projection"
                                + " runner throughout;",
                        readers,
                        config.storeName().value(),
                        ledger,
                        counters,
                        ENTITIES,
                        projection,
                        runner);
            } finally {
                runner.stop();
            }
        }
    }

    @Test
    void aCommandWhoseAcknowledgementWasLostIsAcceptedOnceWhenResentWithTheSameId() throws Exception {
        int port = URI.create(NATS.server().url()).getPort();
        try (CuttableProxy proxy = new CuttableProxy(port);
                Connection app = Nats.connect(Options.builder()
                        .server(proxy.url())
                        .ignoreDiscoveredServers()
                        .maxReconnects(-1)
                        .reconnectWait(Duration.ofMillis(100))
                        .build());
                Connection direct = NATS.server().connect()) {
            NatsEventStoreConfig config = config("lostack");
            NatsEventStore store = NatsEventStore.create(app, config);
            try (CommandRuntime runtime = CommandRuntime.builder(store).build()) {
                EntityHandle<Command, Counter, Event> counters = runtime.register(registration());
                counters.handle("c-1", new BoundedCounter.Add(1));
                CommandContext context = CommandContext.withCommandId("lost-ack-1");

                proxy.dropAnswers(true);
                assertThatThrownBy(() -> counters.handle("c-1", new BoundedCounter.Add(2), context))
                        .isInstanceOf(EventStoreUnavailable.class)
                        .hasMessageContaining("re-send with the same command id");
                List<Stored> afterFailure =
                        StoredMessages.readAll(direct, config.storeName().value());
                assertThat(afterFailure)
                        .as("the server stored the command although the client was told it failed")
                        .anyMatch(s -> s.msgId().orElse("").equals("lost-ack-1:0"));
                proxy.dropAnswers(false);
                proxy.cutConnections();

                Outcome<Counter, Event> resent = resendUntilAnswered(counters, new BoundedCounter.Add(2), context);

                assertThat(resent).isInstanceOf(Outcome.Accepted.class);
                Outcome.Accepted<Counter, Event> accepted = (Outcome.Accepted<Counter, Event>) resent;
                assertThat(accepted.duplicate()).isTrue();
                long storedAt = afterFailure.stream()
                        .filter(s -> s.msgId().orElse("").equals("lost-ack-1:0"))
                        .findFirst()
                        .orElseThrow()
                        .sequence();
                assertThat(accepted.events())
                        .extracting(AppendedEvent::sequence)
                        .containsExactly(storedAt);
                assertThat(accepted.state()).isEqualTo(new Counter(3, 2));
                List<Stored> finalStream =
                        StoredMessages.readAll(direct, config.storeName().value());
                assertThat(finalStream)
                        .filteredOn(s -> s.msgId().orElse("").equals("lost-ack-1:0"))
                        .hasSize(1);
                assertThat(finalStream).hasSize(2);
            }
        }
    }

    /**
     * The original's acknowledgement is lost, another command then catches the runtime up past the stored original,
     * and the re-send would be rejected if decided again (the counter is at its limit): the runtime must recognise
     * its own command id among the events it folded and answer with the original result.
     */
    @Test
    void aResentCommandWhoseOriginalWasStoredIsNeverReportedAsRejected() throws Exception {
        int port = URI.create(NATS.server().url()).getPort();
        try (CuttableProxy proxy = new CuttableProxy(port);
                Connection app = Nats.connect(Options.builder()
                        .server(proxy.url())
                        .ignoreDiscoveredServers()
                        .maxReconnects(-1)
                        .reconnectWait(Duration.ofMillis(100))
                        .build())) {
            NatsEventStore store = NatsEventStore.create(app, config("resend"));
            try (CommandRuntime runtime = CommandRuntime.builder(store).build()) {
                EntityHandle<Command, Counter, Event> counters = runtime.register(registration());
                counters.handle("c-1", new BoundedCounter.Add(28));
                CommandContext original = CommandContext.withCommandId("near-limit-1");
                proxy.dropAnswers(true);
                assertThatThrownBy(() -> counters.handle("c-1", new BoundedCounter.Add(2), original))
                        .isInstanceOf(EventStoreUnavailable.class);
                proxy.dropAnswers(false);
                proxy.cutConnections();
                Outcome<Counter, Event> other = resendUntilAnswered(
                        counters, new BoundedCounter.Take(1), CommandContext.withCommandId("other-1"));
                assertThat(other.state()).isEqualTo(new Counter(29, 3));

                Outcome<Counter, Event> resent = resendUntilAnswered(counters, new BoundedCounter.Add(2), original);

                assertThat(resent.isAccepted())
                        .as("outcome of the re-send: %s", resent)
                        .isTrue();
            }
        }
    }

    @Test
    void aCommandSentWhileTheServerIsDownFailsClearlyAndIsStoredOnceWhenResent() throws Exception {
        NatsServer server = NATS.server();
        try (Connection app = server.connect()) {
            NatsEventStoreConfig config = config("down");
            NatsEventStore store = NatsEventStore.create(app, config);
            try (CommandRuntime runtime = CommandRuntime.builder(store).build()) {
                EntityHandle<Command, Counter, Event> counters = runtime.register(registration());
                counters.handle("c-1", new BoundedCounter.Add(1));
                CommandContext context = CommandContext.withCommandId("in-flight-1");

                server.stop();
                try {
                    assertThatThrownBy(() -> counters.handle("c-1", new BoundedCounter.Add(2), context))
                            .isInstanceOf(EventStoreUnavailable.class);
                } finally {
                    server.start();
                }
                Outcome<Counter, Event> resent = resendUntilAnswered(counters, new BoundedCounter.Add(2), context);

                assertThat(resent.isAccepted()).isTrue();
                assertThat(resent.state()).isEqualTo(new Counter(3, 2));
                List<Stored> stored =
                        StoredMessages.readAll(app, config.storeName().value());
                assertThat(stored)
                        .filteredOn(s -> s.msgId().orElse("").equals("in-flight-1:0"))
                        .hasSize(1);
            }
        }
    }

    private static Outcome<Counter, Event> resendUntilAnswered(
            EntityHandle<Command, Counter, Event> counters, Command command, CommandContext context)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return counters.handle("c-1", command, context);
            } catch (EventStoreUnavailable e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
