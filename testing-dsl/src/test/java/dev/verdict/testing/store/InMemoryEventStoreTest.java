package dev.verdict.testing.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.EventTooLarge;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the in-memory store adds or does in its own way: global sequences, its clock, duplicate window, counters,
 * injected writes and lost acknowledgements, size limit. What every store promises (OCC, re-sends, empty appends
 * refused, read results) is {@code EventStoreContract}'s, run on this store by {@code EventStoreContractInMemoryTest}
 * in the integration tests.
 */
class InMemoryEventStoreTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final EntityRef A = EntityRef.of("account", "a-1");
    private static final EntityRef B = EntityRef.of("account", "b-2");

    private final ManualClock clock = ManualClock.at(T0);
    private final InMemoryEventStore store =
            InMemoryEventStore.builder().clock(clock).build();

    private static EncodedEvent event(String text) {
        return new EncodedEvent("Noted", 1, text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> texts(List<RecordedEvent> events) {
        return events.stream()
                .map(e -> new String(e.event().payload(), StandardCharsets.UTF_8))
                .toList();
    }

    private AppendResult append(EntityRef entity, long expected, String... texts) {
        List<EncodedEvent> events = new ArrayList<>();
        for (String t : texts) {
            events.add(event(t));
        }
        return store.append(entity, expected, events, CommandContext.create());
    }

    @Test
    void sequencesAreGlobalAcrossEntitiesAndVersionIsTheLastOfTheEntity() {
        append(A, 0, "a1");
        append(B, 0, "b1", "b2");
        AppendResult r = append(A, 1, "a2");

        assertThat(r.sequences()).containsExactly(4L);
        assertThat(store.version(A)).isEqualTo(4);
        assertThat(store.version(B)).isEqualTo(3);
        assertThat(store.lastSequence()).isEqualTo(4);
        assertThat(store.readAll(A, ReadRange.all()))
                .extracting(RecordedEvent::sequence)
                .containsExactly(1L, 4L);
    }

    @Test
    void multiEventAppendGetsConsecutiveSequencesAndCarriesTheContext() {
        CommandContext ctx = CommandContext.withCommandId("cmd-1")
                .correlatedWith("req-9")
                .causedBy("evt-3")
                .withMetadata("user", "pharmacist-7");

        AppendResult r = store.append(A, 0, List.of(event("x"), event("y")), ctx);

        assertThat(r.sequences()).containsExactly(1L, 2L);
        assertThat(r.duplicate()).isFalse();
        assertThat(store.readAll(A, ReadRange.all())).allSatisfy(e -> {
            assertThat(e.commandId()).isEqualTo("cmd-1");
            assertThat(e.correlationId()).isEqualTo("req-9");
            assertThat(e.causationId()).hasValue("evt-3");
            assertThat(e.metadata()).containsEntry("user", "pharmacist-7");
            assertThat(e.storedAt()).isEqualTo(T0);
            assertThat(e.entity()).isEqualTo(A);
        });
    }

    @Test
    void commandIdIsForgottenAfterTheDuplicateWindow() {
        CommandContext ctx = CommandContext.withCommandId("cmd-1");
        store.append(A, 0, List.of(event("x")), ctx);
        clock.advance(InMemoryEventStore.DEFAULT_DUPLICATE_WINDOW.plusSeconds(1));

        AppendResult again = store.append(A, 1, List.of(event("x")), ctx);

        assertThat(again.duplicate()).isFalse();
        assertThat(again.sequences()).containsExactly(2L);
    }

    @Test
    void readsExactlyTheRangeAfterAVersionUpToASequence() {
        append(A, 0, "a1", "a2");
        append(B, 0, "b1");
        append(A, 2, "a4", "a5");

        assertThat(texts(store.readAll(A, ReadRange.after(2)))).containsExactly("a4", "a5");
        assertThat(texts(store.readAll(A, ReadRange.all().upToSequence(4)))).containsExactly("a1", "a2", "a4");
        assertThat(texts(store.readAll(A, ReadRange.after(1).upToSequence(3)))).containsExactly("a2");
        assertThat(store.readAll(A, ReadRange.after(5))).isEmpty();
    }

    @Test
    void readsAsOfAPointInTimeByStorageTime() {
        append(A, 0, "early");
        clock.advance(Duration.ofMinutes(10));
        append(A, 1, "late");

        assertThat(texts(store.readAll(A, ReadRange.all().asOf(T0.plusSeconds(60)))))
                .containsExactly("early");
        assertThat(texts(store.readAll(A, ReadRange.all().asOf(T0.plus(Duration.ofMinutes(10))))))
                .containsExactly("early", "late");
    }

    @Test
    void countsReadCallsAndEventsReadSoATestCanProveTailOnlyCatchUp() {
        append(A, 0, "a1", "a2", "a3");
        store.resetCounters();

        store.readAll(A, ReadRange.after(2));

        assertThat(store.readCalls()).isEqualTo(1);
        assertThat(store.eventsRead()).isEqualTo(1);
    }

    @Test
    void injectedConcurrentWriteMakesTheNextAppendConflict() {
        append(A, 0, "a1");
        store.beforeNextAppend(A, () -> append(A, 1, "rival"));

        assertThatThrownBy(() -> append(A, 1, "mine"))
                .isInstanceOfSatisfying(
                        ConcurrencyConflict.class,
                        c -> assertThat(c.actualVersion()).hasValue(2));
        AppendResult retry = append(A, 2, "mine");

        assertThat(retry.sequences()).containsExactly(3L);
        assertThat(texts(store.readAll(A, ReadRange.all()))).containsExactly("a1", "rival", "mine");
    }

    @Test
    void injectedWritesRunOncePerAppendInRegistrationOrder() {
        AtomicInteger runs = new AtomicInteger();
        store.beforeNextAppend(A, runs::incrementAndGet);
        store.beforeNextAppend(A, () -> runs.addAndGet(10));

        append(A, 0, "a1");
        assertThat(runs).hasValue(1);
        append(A, 1, "a2");
        assertThat(runs).hasValue(11);
        append(A, 2, "a3");
        assertThat(runs).hasValue(11);
    }

    @Test
    void lostAcknowledgementStoresTheEventsAndARetryWithTheSameCommandIdIsADuplicate() {
        CommandContext ctx = CommandContext.withCommandId("cmd-7");
        store.loseNextAcknowledgement(A);

        assertThatThrownBy(() -> store.append(A, 0, List.of(event("x")), ctx))
                .isInstanceOf(EventStoreUnavailable.class);
        AppendResult retry = store.append(A, 0, List.of(event("x")), ctx);

        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.sequences()).containsExactly(1L);
        assertThat(store.version(A)).isEqualTo(1);
    }

    @Test
    void refusesAnEventAboveTheMaximumSizeAndStoresNothing() {
        InMemoryEventStore small = InMemoryEventStore.builder().maxEventBytes(4).build();

        assertThatThrownBy(() -> small.append(A, 0, List.of(event("ok"), event("too long")), CommandContext.create()))
                .isInstanceOf(EventTooLarge.class)
                .hasMessageContaining("8 bytes");
        assertThat(small.version(A)).isZero();
    }

    @Test
    void changingTheCallersPayloadArrayAfterwardsDoesNotRewriteHistory() {
        byte[] payload = "x".getBytes(StandardCharsets.UTF_8);
        store.append(A, 0, List.of(new EncodedEvent("Noted", 1, payload)), CommandContext.create());
        payload[0] = 'y';

        assertThat(texts(store.readAll(A, ReadRange.all()))).containsExactly("x");
    }

    @Test
    void concurrentWritersOnOneEntityNeverBothWinTheSameVersion() throws Exception {
        int writers = 8;
        int perWriter = 50;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger conflicts = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perWriter; i++) {
                    while (true) {
                        long v = store.version(A);
                        try {
                            store.append(A, v, List.of(event("e")), CommandContext.create());
                            break;
                        } catch (ConcurrencyConflict c) {
                            conflicts.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<RecordedEvent> events = store.readAll(A, ReadRange.all());
        assertThat(events).hasSize(writers * perWriter);
        assertThat(events).extracting(RecordedEvent::sequence).isSorted().doesNotHaveDuplicates();
        assertThat(store.lastSequence()).isEqualTo(writers * perWriter);
    }

    @Test
    void aSinkMayAppendWhileReading() {
        append(A, 0, "a1", "a2");

        store.read(A, ReadRange.all(), e -> append(B, store.version(B), "copy"));

        assertThat(texts(store.readAll(B, ReadRange.all()))).containsExactly("copy", "copy");
    }

    @Test
    void listsAllEventsInStreamOrderAndTheEntities() {
        append(A, 0, "a1");
        append(B, 0, "b1");

        assertThat(store.allEvents()).extracting(RecordedEvent::entity).containsExactly(A, B);
        assertThat(store.entities()).containsExactly(A, B);
    }

    // --- appends across entities ---

    @Test
    void appendsAcrossEntitiesAllOrNothingWithEveryEntityGuarded() {
        InMemoryEventStore store = InMemoryEventStore.create();
        EntityRef c = EntityRef.of("account", "c-3");
        store.append(A, 0, List.of(event("a")), CommandContext.create());
        store.append(c, 0, List.of(event("c")), CommandContext.create());
        long a = store.version(A);
        long stale = store.version(c);
        store.append(c, stale, List.of(event("c again")), CommandContext.create());

        // c is only read: its stale guard refuses the whole append
        assertThatThrownBy(() -> store.appendAcross(
                        List.of(
                                new dev.verdict.store.EntityVersion(A, a),
                                new dev.verdict.store.EntityVersion(B, 0),
                                new dev.verdict.store.EntityVersion(c, stale)),
                        List.of(
                                new dev.verdict.store.EntityEvent(A, event("x")),
                                new dev.verdict.store.EntityEvent(B, event("y")),
                                new dev.verdict.store.EntityEvent(B, event("z"))),
                        CommandContext.create()))
                .isInstanceOf(dev.verdict.store.ConflictAcrossEntities.class);
        assertThat(store.version(A)).isEqualTo(a);
        assertThat(store.version(B)).isZero();

        CommandContext ctx = CommandContext.withCommandId("across-1");
        List<dev.verdict.store.EntityVersion> guards = List.of(
                new dev.verdict.store.EntityVersion(A, a),
                new dev.verdict.store.EntityVersion(B, 0),
                new dev.verdict.store.EntityVersion(c, store.version(c)));
        List<dev.verdict.store.EntityEvent> events = List.of(
                new dev.verdict.store.EntityEvent(A, event("x")),
                new dev.verdict.store.EntityEvent(B, event("y")),
                new dev.verdict.store.EntityEvent(B, event("z")));
        dev.verdict.store.AppendAcrossResult first = store.appendAcross(guards, events, ctx);
        dev.verdict.store.AppendAcrossResult again = store.appendAcross(guards, events, ctx);

        assertThat(first.duplicate()).isFalse();
        assertThat(first.versionOf(B)).hasValue(first.sequences().get(2));
        assertThat(again.duplicate()).isTrue();
        assertThat(again.sequences()).isEqualTo(first.sequences());
        assertThat(store.readAll(B, ReadRange.all())).hasSize(2);
    }

    @Test
    void refusesMoreEntitiesThanEventsBeforeStoringAnything() {
        InMemoryEventStore store = InMemoryEventStore.create();

        assertThatThrownBy(() -> store.appendAcross(
                        List.of(new dev.verdict.store.EntityVersion(A, 0), new dev.verdict.store.EntityVersion(B, 0)),
                        List.of(new dev.verdict.store.EntityEvent(A, event("x"))),
                        CommandContext.create()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("guards at most n entities");
        assertThat(store.version(A)).isZero();
    }
}
