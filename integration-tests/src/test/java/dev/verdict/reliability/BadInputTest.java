package dev.verdict.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.ApplyRetryPolicy;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.reliability.BoundedCounter.Command;
import dev.verdict.reliability.BoundedCounter.Counter;
import dev.verdict.reliability.BoundedCounter.Event;
import dev.verdict.reliability.CommandLedger.Entry;
import dev.verdict.reliability.CommandLedger.Result;
import dev.verdict.reliability.StoredMessages.Stored;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.DeadLetter;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventDecodingFailed;
import dev.verdict.store.InvalidIdentifier;
import dev.verdict.store.PoisonReason;
import dev.verdict.store.ReadRange;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsDeadLetters;
import dev.verdict.store.nats.NatsEventHeaders;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsRecordedEvents;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 3: bad input everywhere. Foreign messages on entity subjects, invalid ids and categories, corrupt
 * snapshots, oversized events, a decider that throws and a projection handler that throws: each yields a clear, typed
 * error or a dead letter, other entities keep being served, and nothing already stored is lost or altered.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final String STORE = "bad";
    private static final CommandLedger LEDGER = new CommandLedger();
    private static final Map<String, String> OBSERVED = new LinkedHashMap<>();
    private static final JsonStateCodec<Counter> STATE_CODEC = JsonStateCodec.of(Counter.class);

    private static Connection nc;
    private static NatsEventStoreConfig config;
    private static NatsEventStore store;
    private static NatsSnapshotStore snapshots;
    private static CommandRuntime runtime;
    private static EntityHandle<Command, Counter, Event> counters;
    private static CommandLoad client;
    private static int foreignMessages;

    @BeforeAll
    static void start() throws Exception {
        nc = NATS.server().connect();
        config = NatsEventStoreConfig.builder()
                .storeName(StoreName.of(STORE))
                .requestTimeout(Duration.ofSeconds(2))
                .build();
        store = NatsEventStore.create(nc, config);
        snapshots = NatsSnapshotStore.create(nc, config);
        runtime = CommandRuntime.builder(store).snapshots(snapshots).build();
        counters = runtime.register(registration());
        client = new CommandLoad(counters, LEDGER, 1, Duration.ofSeconds(10), "bad");
        for (int i = 0; i < 5; i++) {
            assertThat(client.send("c-" + i, new BoundedCounter.Add(2)).result())
                    .isEqualTo(Result.ACCEPTED);
        }
    }

    @AfterAll
    static void report() throws Exception {
        try {
            List<Stored> stored = StoredMessages.readAll(nc, STORE);
            StreamAudit audit = StreamAudit.of(LEDGER, stored);
            ReliabilityReport.record(ReliabilityReport.Row.of(
                    "3. bad input",
                    LEDGER,
                    audit,
                    "Each bad input and what it yielded: " + OBSERVED + ". " + foreignMessages
                            + " foreign messages written by a raw client (counted as unknown: " + audit.unknown()
                            + ")."));
            assertThat(audit.lost()).isZero();
            assertThat(audit.duplicated()).isZero();
            assertThat(audit.misreported()).isZero();
            assertThat(audit.unknown()).isEqualTo(foreignMessages);
        } finally {
            runtime.close();
            nc.close();
        }
    }

    private static Registration<Command, Counter, Event> registration() {
        return Registration.of("counter", BoundedCounter.decider(), BoundedCounter.CODEC)
                .withStateCodec(STATE_CODEC)
                .withSnapshotPolicy(SnapshotPolicy.everyEvents(5));
    }

    private static Entry send(String entity, Command command) {
        return client.send(entity, command);
    }

    private static void observed(String input, Entry entry) {
        OBSERVED.put(
                input,
                entry.result() == Result.ACCEPTED ? "accepted" : entry.failure().split(":", 2)[0]);
    }

    private static long storedCount() throws Exception {
        return nc.jetStreamManagement().getStreamInfo(STORE).getStreamState().getMsgCount();
    }

    private static void publishForeign(String entity, Headers headers, byte[] payload) throws Exception {
        nc.jetStream()
                .publish(NatsMessage.builder()
                        .subject(STORE + ".counter." + entity)
                        .headers(headers)
                        .data(payload)
                        .build());
        foreignMessages++;
    }

    private static Headers verdictHeaders(String type, String commandId) {
        return NatsEventHeaders.of(
                new EncodedEvent(type, 1, new byte[0]),
                0,
                UUID.randomUUID().toString(),
                Instant.now(),
                CommandContext.withCommandId(commandId));
    }

    @Test
    @Order(1)
    void foreignMessagesOnAnEntitySubjectFailThatEntityClearlyAndLeaveTheOthersServed() throws Exception {
        byte[] huge = new byte[900_000];
        java.util.Arrays.fill(huge, (byte) 'x');
        List<String> kinds = List.of("no-headers", "unknown-type", "invalid-json", "huge-payload");
        List<Stored> before = StoredMessages.readAll(nc, STORE);
        for (String kind : kinds) {
            String entity = "foreign-" + kind;
            assertThat(send(entity, new BoundedCounter.Add(1)).result()).isEqualTo(Result.ACCEPTED);
            if (kind.equals("no-headers")) {
                publishForeign(entity, new Headers(), "{\"amount\":1}".getBytes(StandardCharsets.UTF_8));
            } else if (kind.equals("unknown-type")) {
                publishForeign(entity, verdictHeaders("Exploded", "foreign-1"), "{}".getBytes(StandardCharsets.UTF_8));
            } else if (kind.equals("invalid-json")) {
                publishForeign(
                        entity, verdictHeaders("Added", "foreign-2"), "{not json".getBytes(StandardCharsets.UTF_8));
            } else {
                publishForeign(entity, verdictHeaders("Added", "foreign-3"), huge);
            }

            Entry next = send(entity, new BoundedCounter.Add(1));
            observed("foreign message (" + kind + ")", next);

            assertThat(next.result()).isEqualTo(Result.FAILED);
            assertThat(next.failure()).startsWith("EventDecodingFailed").contains(STORE + ".counter." + entity);
            EntityRef ref = EntityRef.of("counter", entity);
            try (CommandRuntime fresh =
                    CommandRuntime.builder(store).withoutCache().build()) {
                EntityHandle<Command, Counter, Event> reloaded = fresh.register(registration());
                assertThatThrownBy(() -> reloaded.load(entity))
                        .isInstanceOf(EventDecodingFailed.class)
                        .hasMessageContaining(STORE + ".counter." + entity);
            }
            if (kind.equals("no-headers")) {
                assertThatThrownBy(() -> store.readAll(ref, ReadRange.all())).isInstanceOf(EventDecodingFailed.class);
            } else {
                // a well-formed envelope: the store hands it over as stored; only its codec can judge the payload
                assertThat(store.readAll(ref, ReadRange.all())).hasSize(2);
            }
            assertThat(send("c-0", new BoundedCounter.Add(1)).result())
                    .as("other entities are still served")
                    .isEqualTo(Result.ACCEPTED);
        }
        List<Stored> after = StoredMessages.readAll(nc, STORE);
        assertThat(after).containsAll(before);
    }

    @Test
    @Order(2)
    void invalidIdsAndCategoriesAreRefusedBeforeAnythingIsPublished() throws Exception {
        long before = storedCount();
        List<String> badIds = List.of(
                "a.b",
                "*",
                ">",
                "rx.*",
                "with space",
                " ",
                "",
                "tab\there",
                "line\nbreak",
                "ünïcödé",
                "emoji-😀",
                "x".repeat(129),
                "$JS",
                "a/b");
        for (String id : badIds) {
            Entry entry = send(id, new BoundedCounter.Add(1));
            assertThat(entry.result()).as("id '%s'", id).isEqualTo(Result.FAILED);
            assertThat(entry.failure()).as("id '%s'", id).startsWith("InvalidIdentifier");
        }
        OBSERVED.put(
                badIds.size() + " invalid entity ids (dots, wildcards, whitespace, unicode, 129 chars, ...)",
                "InvalidIdentifier");
        for (String category : List.of("a b", "*", "orders.>", "", "kätegorie", "x".repeat(129), "a..b")) {
            assertThatThrownBy(() -> Registration.of(category, BoundedCounter.decider(), BoundedCounter.CODEC))
                    .as("category '%s'", category)
                    .isInstanceOf(InvalidIdentifier.class);
        }
        OBSERVED.put("7 invalid categories", "InvalidIdentifier");
        assertThat(storedCount()).isEqualTo(before);
    }

    @Test
    @Order(3)
    void corruptSnapshotsAreIgnoredAndTheStateIsRebuiltFromEvents() throws Exception {
        for (int i = 0; i < 12; i++) {
            send("snap", new BoundedCounter.Add(1));
        }
        Counter truth = new Counter(12, 12);
        long head = store.version(EntityRef.of("counter", "snap"));
        String fp = STATE_CODEC.fingerprint();
        Map<String, String> corruptions = new LinkedHashMap<>();
        corruptions.put("not JSON", "%%% definitely not json");
        corruptions.put("missing fields", "{\"version\":3}");
        corruptions.put(
                "foreign fingerprint",
                "{\"version\":" + head + ",\"fingerprint\":\"someone-else\",\"state\":{\"value\":29,\"events\":1}}");
        corruptions.put(
                "undecodable state",
                "{\"version\":" + head + ",\"fingerprint\":\"" + fp + "\",\"state\":{\"value\":\"many\"}}");
        corruptions.put(
                "version ahead of the stream",
                "{\"version\":" + (head + 1_000) + ",\"fingerprint\":\"" + fp
                        + "\",\"state\":{\"value\":29,\"events\":99}}");
        KeyValue kv = nc.keyValue(config.snapshotBucket());
        for (Map.Entry<String, String> c : corruptions.entrySet()) {
            kv.put("counter.snap", c.getValue().getBytes(StandardCharsets.UTF_8));
            try (CommandRuntime fresh = CommandRuntime.builder(store)
                    .snapshots(snapshots)
                    .withoutCache()
                    .build()) {
                Counter loaded = fresh.register(registration()).load("snap").state();
                assertThat(loaded).as(c.getKey()).isEqualTo(truth);
            }
            OBSERVED.put("corrupt snapshot (" + c.getKey() + ")", "ignored, rebuilt from events");
        }
        assertThat(send("snap", new BoundedCounter.Add(1)).result()).isEqualTo(Result.ACCEPTED);
    }

    @Test
    @Order(4)
    void anOversizedEventIsRefusedAndNothingIsStored() throws Exception {
        long before = storedCount();

        Entry entry = send("big", new BoundedCounter.Pad(2_000_000));

        observed("oversized event (2 MB)", entry);
        assertThat(entry.result()).isEqualTo(Result.FAILED);
        assertThat(entry.failure()).startsWith("EventTooLarge").contains("nothing was stored");
        assertThat(storedCount()).isEqualTo(before);
        assertThat(send("big", new BoundedCounter.Add(1)).result()).isEqualTo(Result.ACCEPTED);
        assertThat(send("big", new BoundedCounter.Pad(100)).result()).isEqualTo(Result.ACCEPTED);
    }

    @Test
    @Order(5)
    void aDeciderThatThrowsFailsOnlyThatCommand() throws Exception {
        long before = storedCount();

        Entry entry = send("c-1", new BoundedCounter.Break());

        observed("decider throws", entry);
        assertThat(entry.result()).isEqualTo(Result.FAILED);
        assertThat(entry.failure()).startsWith("IllegalStateException").contains("bug in the counter decider");
        assertThat(storedCount()).isEqualTo(before);
        assertThat(send("c-1", new BoundedCounter.Add(1)).result()).isEqualTo(Result.ACCEPTED);
    }

    @Test
    @Order(6)
    void aProjectionDeadLettersWhatItCannotReadOrApplyAndProjectsEverythingElse() throws Exception {
        List<Stored> stored = StoredMessages.readAll(nc, STORE);
        long last = stored.get(stored.size() - 1).sequence();
        NatsDeadLetters deadLetters = NatsDeadLetters.open(nc, "bad-dead-letters");
        AuditingProjection audit = new AuditingProjection("bad-audit");
        RefusingPadded projection = new RefusingPadded(audit);
        ProjectionRunner<Event> runner = NatsProjections.runner(
                        nc,
                        SubjectFilter.category(StoreName.of(STORE), Category.of("counter")),
                        BoundedCounter.CODEC,
                        m -> NatsRecordedEvents.fromMessage(StoreName.of(STORE), m),
                        projection)
                .retryPolicy(new ApplyRetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20), 2.0))
                .deadLetters(deadLetters)
                .build();
        try {
            runner.start();
            assertThat(runner.awaitPosition(last, Duration.ofSeconds(30))).isTrue();
        } finally {
            runner.stop();
        }

        List<DeadLetter> letters = deadLetters.list(STORE, "bad-audit");
        Map<PoisonReason, Long> byReason =
                letters.stream().collect(Collectors.groupingBy(DeadLetter::reason, Collectors.counting()));
        assertThat(byReason)
                .containsEntry(PoisonReason.UNREADABLE_MESSAGE, 1L)
                .containsEntry(PoisonReason.UNDECODABLE_EVENT, 3L)
                .containsEntry(PoisonReason.HANDLER_FAILED, 1L);
        Set<Long> expected = new TreeSet<>();
        stored.forEach(s -> expected.add(s.sequence()));
        letters.forEach(l -> expected.remove(l.sequence()));
        assertThat(audit.applications().keySet()).isEqualTo(expected);
        assertThat(audit.applications().values()).allMatch(n -> n == 1);
        OBSERVED.put(
                "projection",
                letters.size() + " dead letters " + byReason + ", " + expected.size() + " events applied once each");
    }

    /** A projection handler with a bug: it throws on every {@code Padded} event. */
    private static final class RefusingPadded implements Projection<Event> {
        private final AuditingProjection delegate;

        RefusingPadded(AuditingProjection delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public OptionalLong checkpoint() {
            return delegate.checkpoint();
        }

        @Override
        public void apply(DeliveredEvent<Event> event) {
            if (event.event() instanceof BoundedCounter.Padded) {
                throw new IllegalStateException("bug in the projection: cannot handle Padded");
            }
            delegate.apply(event);
        }

        @Override
        public void reset() {
            delegate.reset();
        }
    }
}
