package dev.verdict.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.CommandRecord;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsCommandIndex;
import dev.verdict.store.nats.NatsDeadLetters;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsRecordedEvents;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 4a: who may write where. One server with two accounts: in {@code BANK} an administrator provisions the
 * streams, the application user {@code app} may publish only to its store's subjects ({@code bank.>}) and use the
 * JetStream API calls the event store needs, and the projection user {@code projector} may only read (consumers,
 * direct gets, acks). {@code intruder} lives in another account.
 */
class AccessControlTest {
    /** What docs/operations.md documents for the application user: keep the two in step. */
    private static final String APP_PERMISSIONS = "publish: { allow: [\"bank.>\", \"$JS.API.INFO\","
            + " \"$JS.API.STREAM.INFO.bank\", \"$JS.API.DIRECT.GET.bank\", \"$JS.API.DIRECT.GET.bank.>\","
            + " \"$JS.API.STREAM.MSG.GET.bank\","
            // long histories and reads a lagging replica answered short continue on an ephemeral consumer
            + " \"$JS.API.CONSUMER.CREATE.bank.>\", \"$JS.API.CONSUMER.INFO.bank.>\","
            + " \"$JS.API.CONSUMER.DELETE.bank.>\", \"$JS.API.CONSUMER.MSG.NEXT.bank.>\","
            // snapshots
            + " \"$KV.bank-snapshots.>\", \"$JS.API.STREAM.INFO.KV_bank-snapshots\","
            + " \"$JS.API.DIRECT.GET.KV_bank-snapshots.>\", \"$JS.API.STREAM.MSG.GET.KV_bank-snapshots\","
            // the command-id index
            + " \"$KV.bank-commands.>\", \"$JS.API.STREAM.INFO.KV_bank-commands\","
            + " \"$JS.API.STREAM.MSG.GET.KV_bank-commands\"] },"
            + " subscribe: { allow: [\"_INBOX.>\"] }";

    private static final String PROJECTOR_PERMISSIONS = "publish: { allow: [\"$JS.API.INFO\","
            + " \"$JS.API.STREAM.INFO.bank\", \"$JS.API.DIRECT.GET.bank\", \"$JS.API.DIRECT.GET.bank.>\","
            + " \"$JS.API.STREAM.MSG.GET.bank\", \"$JS.API.CONSUMER.CREATE.bank.>\","
            + " \"$JS.API.CONSUMER.DURABLE.CREATE.bank.>\", \"$JS.API.CONSUMER.INFO.bank.>\","
            + " \"$JS.API.CONSUMER.DELETE.bank.>\", \"$JS.API.CONSUMER.MSG.NEXT.bank.>\", \"$JS.ACK.bank.>\","
            // several instances: hand a consumer over at stop, settle one a dead instance held
            + " \"$JS.API.CONSUMER.UNPIN.bank.>\", \"$JS.API.CONSUMER.RESET.bank.>\","
            // dead letters (bucket verdict-dead-letters): recorded, listed at each session start, removed when applied
            + " \"$KV.verdict-dead-letters.>\", \"$JS.API.STREAM.INFO.KV_verdict-dead-letters\","
            + " \"$JS.API.DIRECT.GET.KV_verdict-dead-letters.>\", \"$JS.API.STREAM.MSG.GET.KV_verdict-dead-letters\","
            + " \"$JS.API.CONSUMER.CREATE.KV_verdict-dead-letters.>\","
            + " \"$JS.API.CONSUMER.INFO.KV_verdict-dead-letters.>\", \"$JS.API.CONSUMER.DELETE.KV_verdict-dead-letters.>\","
            // the runner's watch for retry requests (an ordered consumer: flow-control replies)
            + " \"$JS.FC.KV_verdict-dead-letters.>\"] },"
            + " subscribe: { allow: [\"_INBOX.>\"] }";

    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNodeWithConfig(
            "accounts {",
            "  BANK {",
            "    jetstream: enabled",
            "    users: [",
            "      { user: admin, password: admin-secret }",
            "      { user: app, password: app-secret, permissions: { " + APP_PERMISSIONS + " } }",
            "      { user: projector, password: projector-secret, permissions: { " + PROJECTOR_PERMISSIONS + " } }",
            // the application user without direct gets: stands in for a replica that never answers them
            "      { user: nodirect, password: nodirect-secret, permissions: { "
                    + APP_PERMISSIONS.replace(" \"$JS.API.DIRECT.GET.bank\", \"$JS.API.DIRECT.GET.bank.>\",", "")
                    + " } }",
            "    ]",
            "  }",
            "  OTHER {",
            "    jetstream: enabled",
            "    users: [ { user: intruder, password: intruder-secret } ]",
            "  }",
            "}");

    private static final EntityRef COUNTER = EntityRef.of("counter", "c-1");
    private static Connection admin;

    @BeforeAll
    static void provision() throws Exception {
        admin = connect("admin", "admin-secret", new ErrorLog());
        NatsEventStore.create(admin, NatsEventStoreConfig.of("bank"));
        NatsSnapshotStore.create(admin, NatsEventStoreConfig.of("bank"));
        NatsCommandIndex.create(admin, NatsEventStoreConfig.of("bank"));
        NatsEventStore.create(admin, NatsEventStoreConfig.of("audit"));
        NatsDeadLetters.openForStream(admin, "bank"); // the administrator provisions the dead-letter bucket too
    }

    private static final AtomicLong SENT = new AtomicLong();
    private static final AtomicLong ACCEPTED = new AtomicLong();
    private static final AtomicLong REFUSED = new AtomicLong();

    @AfterAll
    static void close() throws Exception {
        admin.close();
        ReliabilityReport.record(new ReliabilityReport.Row(
                "4a. access control (accounts, users)",
                SENT.get(),
                ACCEPTED.get(),
                0,
                0,
                REFUSED.get(),
                0,
                0,
                "app user: appends and reads its store, runs the runtime on a 300-event history with snapshots and"
                        + " the command-id index, a publish to another store is refused (permissions"
                        + " violation, nothing stored); read-only projector: append refused (EventStoreUnavailable +"
                        + " permissions violation naming the subject, nothing stored), reads and runs a durable"
                        + " projection; another account: stream not found (StoreMisconfigured), sees no messages."));
    }

    private static Connection connect(String user, String password, ErrorLog errors) throws Exception {
        return Nats.connect(NATS.server()
                .defaultOptions()
                .userInfo(user, password)
                .errorListener(errors)
                .build());
    }

    private static NatsEventStore existingStore(Connection nc, String name) {
        return NatsEventStore.create(
                nc,
                NatsEventStoreConfig.builder()
                        .storeName(StoreName.of(name))
                        .provision(false)
                        .requestTimeout(Duration.ofSeconds(1))
                        .build());
    }

    private static long messages(String stream) throws Exception {
        return admin.jetStreamManagement()
                .getStreamInfo(stream)
                .getStreamState()
                .getMsgCount();
    }

    @Test
    void theApplicationUserAppendsAndReadsItsOwnStore() throws Exception {
        try (Connection app = connect("app", "app-secret", new ErrorLog())) {
            NatsEventStore store = existingStore(app, "bank");
            long before = store.version(COUNTER);

            SENT.incrementAndGet();
            store.append(
                    COUNTER,
                    before,
                    List.of(BoundedCounter.CODEC.encode(new BoundedCounter.Added(1))),
                    CommandContext.create());

            ACCEPTED.incrementAndGet();
            assertThat(store.version(COUNTER)).isGreaterThan(before);
            assertThat(store.readAll(COUNTER, ReadRange.all())).isNotEmpty();
        }
    }

    @Test
    void theApplicationUserRunsTheRuntimeOnALongHistoryWithSnapshotsAndTheCommandIndex() throws Exception {
        ErrorLog errors = new ErrorLog();
        EntityRef longOne = EntityRef.of("counter", "long-1");
        try (Connection app = connect("app", "app-secret", errors)) {
            NatsEventStore store = existingStore(app, "bank");
            NatsEventStoreConfig existing = NatsEventStoreConfig.builder()
                    .storeName(StoreName.of("bank"))
                    .provision(false)
                    .build();
            // a history longer than one batch direct get (256 events): the rest is read through a consumer
            List<EncodedEvent> history = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                history.add(BoundedCounter.CODEC.encode(new BoundedCounter.Added(1)));
                history.add(BoundedCounter.CODEC.encode(new BoundedCounter.Taken(1)));
            }
            long version = store.append(longOne, store.version(longOne), history, CommandContext.create())
                    .version();
            NatsSnapshotStore snapshots = NatsSnapshotStore.create(app, existing);
            NatsCommandIndex index = NatsCommandIndex.create(app, existing);
            CommandContext command = CommandContext.create();
            try (CommandRuntime runtime = CommandRuntime.builder(store)
                    .snapshots(snapshots)
                    .commandIndex(index)
                    .build()) {
                EntityHandle<BoundedCounter.Command, BoundedCounter.Counter, BoundedCounter.Event> counters =
                        runtime.register(Registration.of("counter", BoundedCounter.decider(), BoundedCounter.CODEC)
                                .withStateCodec(JsonStateCodec.of(BoundedCounter.Counter.class))
                                .withSnapshotPolicy(SnapshotPolicy.everyEvents(1)));
                SENT.incrementAndGet();
                Outcome<BoundedCounter.Counter, BoundedCounter.Event> outcome =
                        counters.handle("long-1", new BoundedCounter.Add(2), command);
                assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
                ACCEPTED.incrementAndGet();
                assertThat(outcome.state()).isEqualTo(new BoundedCounter.Counter(2, 301));
            }
            // closing wrote the snapshot; the command's record was published
            assertThat(snapshots.load(longOne))
                    .hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(version + 1));
            assertThat(snapshots.failedSaves()).isZero();
            assertThat(awaitRecord(index, command)).isPresent();
            assertThat(index.failedRecords()).isZero();
            assertThat(errors.poll()).as("permission errors").isEmpty();
        }
    }

    private static Optional<CommandRecord> awaitRecord(NatsCommandIndex index, CommandContext command)
            throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            Optional<CommandRecord> found = index.find(command.commandId()).join();
            if (found.isPresent()) {
                return found;
            }
            Thread.sleep(100);
        }
        return Optional.empty();
    }

    @Test
    void readsWhoseDirectGetsGetNoAnswerAreServedFromTheStreamLeader() throws Exception {
        EntityRef entity = EntityRef.of("counter", "unanswered-1");
        try (Connection app = connect("app", "app-secret", new ErrorLog());
                Connection noDirect = connect("nodirect", "nodirect-secret", new ErrorLog())) {
            NatsEventStore store = existingStore(app, "bank");
            List<EncodedEvent> three = List.of(
                    BoundedCounter.CODEC.encode(new BoundedCounter.Added(1)),
                    BoundedCounter.CODEC.encode(new BoundedCounter.Added(2)),
                    BoundedCounter.CODEC.encode(new BoundedCounter.Added(3)));
            long version =
                    store.append(entity, 0, three, CommandContext.create()).version();

            NatsEventStore withoutDirectGets = existingStore(noDirect, "bank");
            assertThat(withoutDirectGets.version(entity)).isEqualTo(version);
            assertThat(withoutDirectGets.readAll(entity, ReadRange.all()))
                    .extracting(RecordedEvent::sequence)
                    .containsExactly(version - 2, version - 1, version);
        }
    }

    @Test
    void theApplicationUserCannotWriteToAnotherStore() throws Exception {
        ErrorLog errors = new ErrorLog();
        try (Connection app = connect("app", "app-secret", errors)) {
            long before = messages("audit");

            SENT.incrementAndGet();
            app.publish("audit.counter.c-1", "{\"amount\":1}".getBytes());
            app.flush(Duration.ofSeconds(2));

            assertThat(errors.next()).contains("Permissions Violation for Publish to \"audit.counter.c-1\"");
            REFUSED.incrementAndGet();
            assertThat(messages("audit")).isEqualTo(before);
        }
    }

    @Test
    void theReadOnlyUserCannotAppendAndIsToldWhy() throws Exception {
        ErrorLog errors = new ErrorLog();
        try (Connection projector = connect("projector", "projector-secret", errors)) {
            NatsEventStore store = existingStore(projector, "bank");
            long before = messages("bank");
            SENT.incrementAndGet();

            assertThatThrownBy(() -> store.append(
                            COUNTER,
                            store.version(COUNTER),
                            List.of(BoundedCounter.CODEC.encode(new BoundedCounter.Added(1))),
                            CommandContext.create()))
                    .isInstanceOf(EventStoreUnavailable.class);

            assertThat(errors.next()).contains("Permissions Violation for Publish to \"bank.counter.c-1\"");
            REFUSED.incrementAndGet();
            assertThat(messages("bank")).isEqualTo(before);
        }
    }

    @Test
    void theReadOnlyUserReadsTheStoreAndRunsAProjection() throws Exception {
        try (Connection app = connect("app", "app-secret", new ErrorLog());
                Connection projector = connect("projector", "projector-secret", new ErrorLog())) {
            NatsEventStore appStore = existingStore(app, "bank");
            long version = appStore.append(
                            COUNTER,
                            appStore.version(COUNTER),
                            List.of(BoundedCounter.CODEC.encode(new BoundedCounter.Added(1))),
                            CommandContext.create())
                    .version();
            NatsEventStore readOnly = existingStore(projector, "bank");
            assertThat(readOnly.version(COUNTER)).isEqualTo(version);

            AuditingProjection projection = new AuditingProjection("bank-audit");
            ProjectionRunner<BoundedCounter.Event> runner = NatsProjections.runner(
                            projector,
                            SubjectFilter.category(StoreName.of("bank"), Category.of("counter")),
                            BoundedCounter.CODEC,
                            m -> NatsRecordedEvents.fromMessage(StoreName.of("bank"), m),
                            projection)
                    .build();
            try {
                runner.start();
                assertThat(runner.awaitPosition(version, Duration.ofSeconds(10)))
                        .isTrue();
                assertThat(projection.applications()).containsKey(version);
            } finally {
                runner.stop();
            }
        }
    }

    @Test
    void anotherAccountCannotSeeTheStore() throws Exception {
        try (Connection intruder = connect("intruder", "intruder-secret", new ErrorLog());
                Connection app = connect("app", "app-secret", new ErrorLog())) {
            assertThatThrownBy(() -> existingStore(intruder, "bank"))
                    .isInstanceOf(StoreMisconfigured.class)
                    .hasMessageContaining("does not exist");
            assertThatThrownBy(() -> intruder.jetStreamManagement().getStreamInfo("bank"))
                    .isInstanceOf(JetStreamApiException.class);

            Subscription spy = intruder.subscribe("bank.>");
            intruder.flush(Duration.ofSeconds(2));
            NatsEventStore store = existingStore(app, "bank");
            store.append(
                    COUNTER,
                    store.version(COUNTER),
                    List.of(BoundedCounter.CODEC.encode(new BoundedCounter.Added(1))),
                    CommandContext.create());

            assertThat(spy.nextMessage(Duration.ofMillis(500))).isNull();
        }
    }

    /** Collects the asynchronous errors the server sends a connection (permission violations arrive this way). */
    static final class ErrorLog implements ErrorListener {
        private final BlockingQueue<String> errors = new LinkedBlockingQueue<>();

        @Override
        public void errorOccurred(Connection conn, String error) {
            errors.add(error);
        }

        /** An error reported so far, if any (without waiting). */
        Optional<String> poll() {
            return Optional.ofNullable(errors.poll());
        }

        String next() throws InterruptedException {
            String e = errors.poll(5, TimeUnit.SECONDS);
            return e == null ? "<no error reported within 5 s>" : e;
        }
    }
}
