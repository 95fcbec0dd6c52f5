package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.Decider;
import dev.verdict.runtime.Counter.Add;
import dev.verdict.runtime.Counter.Added;
import dev.verdict.runtime.Counter.Close;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.runtime.Counter.Explode;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.EventDecodingFailed;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.InvalidIdentifier;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.testing.store.InMemoryEventStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommandHandlingTest {
    private final InMemoryEventStore store = InMemoryEventStore.create();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final CommandRuntime runtime = CommandRuntime.builder(store)
            .metrics(metrics)
            .retryPolicy(ConflictRetryPolicy.defaults().withMaxAttempts(4).withBackoff(Duration.ZERO, Duration.ZERO))
            .build();
    private final EntityHandle<Counter.Command, Counter, Event> counters =
            runtime.register("counter", Counter.DECIDER, Counter.EVENTS);
    private final EntityRef c1 = EntityRef.of("counter", "c-1");

    @AfterEach
    void close() {
        runtime.close();
    }

    private void rivalAppends(EntityRef entity, int amount) {
        store.append(
                entity,
                store.version(entity),
                List.of(Counter.EVENTS.encode(new Added(amount))),
                CommandContext.create());
    }

    /** A rival that wins the race {@code times} times in a row (its own appends consume no hook). */
    private void rivalAppendsBeforeEachOfOurNextAppends(EntityRef entity, int times) {
        AtomicInteger remaining = new AtomicInteger(times);
        Runnable[] rival = new Runnable[1];
        rival[0] = () -> {
            rivalAppends(entity, 1);
            if (remaining.decrementAndGet() > 0) {
                store.beforeNextAppend(entity, rival[0]);
            }
        };
        store.beforeNextAppend(entity, rival[0]);
    }

    @Test
    void acceptedCommandReportsItsEventsWithSequencesAndTheNewState() {
        counters.handle("c-0", new Add(7)); // another entity takes sequence 1
        Outcome<Counter, Event> outcome = counters.handle("c-1", new Add(2));

        assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
        Outcome.Accepted<Counter, Event> accepted = (Outcome.Accepted<Counter, Event>) outcome;
        assertThat(accepted.events()).containsExactly(new AppendedEvent<>(c1, 2, new Added(2)));
        assertThat(accepted.version()).isEqualTo(2);
        assertThat(accepted.state()).isEqualTo(new Counter(2, false));
        assertThat(accepted.duplicate()).isFalse();
        assertThat(store.readAll(c1, ReadRange.all()))
                .extracting(RecordedEvent::sequence)
                .containsExactly(2L);
        assertThat(metrics.count("command.ACCEPTED")).isEqualTo(2);
    }

    @Test
    void commandWithoutEventsIsUnchangedAndWritesNothing() {
        counters.handle("c-1", new Add(3));
        long appends = store.appendCalls();

        Outcome<Counter, Event> outcome = counters.handle("c-1", new Add(0));

        assertThat(outcome).isEqualTo(new Outcome.Unchanged<Counter, Event>(c1, 1, new Counter(3, false)));
        assertThat(store.appendCalls()).isEqualTo(appends);
    }

    @Test
    void rejectionWritesNothingAndIsNeverRetried() {
        counters.handle("c-1", new Add(3));
        long appends = store.appendCalls();

        Outcome<Counter, Event> outcome = counters.handle("c-1", new Add(5, 4));

        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        Outcome.Rejected<Counter, Event> rejected = (Outcome.Rejected<Counter, Event>) outcome;
        assertThat(rejected.rejection()).isInstanceOf(Counter.OverMaximum.class);
        assertThat(rejected.rejection().code()).isEqualTo("counter.over-maximum");
        assertThat(rejected.state()).isEqualTo(new Counter(3, false));
        assertThat(store.appendCalls()).isEqualTo(appends);
        assertThat(metrics.count("command.REJECTED")).isEqualTo(1);
    }

    @Test
    void outcomesMapWithoutPatternSwitch() {
        assertThat(counters.handle("c-1", new Add(1)).<String>map(a -> "accepted", u -> "unchanged", r -> "rejected"))
                .isEqualTo("accepted");
        assertThat(counters.handle("c-1", new Add(0)).<String>map(a -> "accepted", u -> "unchanged", r -> "rejected"))
                .isEqualTo("unchanged");
        assertThat(counters.handle("c-1", new Add(9, 5))
                        .<String>map(a -> "accepted", u -> "unchanged", r -> "rejected"))
                .isEqualTo("rejected");
    }

    @Test
    void decidersBugPropagatesUnchanged() {
        assertThatThrownBy(() -> counters.handle("c-1", new Explode()))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("boom");
        assertThat(store.appendCalls()).isZero();
        assertThat(metrics.count("command.FAILED")).isEqualTo(1);
    }

    @Test
    void invalidEntityIdIsRefusedBeforeAnyWork() {
        assertThatThrownBy(() -> counters.handle("c.1", new Add(1)))
                .isInstanceOf(InvalidIdentifier.class)
                .hasMessageContaining("'.'");
        assertThat(store.readCalls()).isZero();
    }

    @Test
    void cachedEntityIsDecidedWithoutAnyRead() {
        counters.handle("c-1", new Add(1));
        store.resetCounters();

        counters.handle("c-1", new Add(1));
        Outcome<Counter, Event> third = counters.handle("c-1", new Add(1));

        assertThat(third.state().value()).isEqualTo(3);
        assertThat(store.readCalls()).isZero();
        assertThat(store.versionCalls()).isZero();
        assertThat(store.appendCalls()).isEqualTo(2);
    }

    @Test
    void conflictCatchesUpOnlyTheMissedTailAndDecidesAgain() {
        for (int i = 0; i < 5; i++) {
            counters.handle("c-1", new Add(1));
        }
        store.resetCounters();
        store.beforeNextAppend(c1, () -> rivalAppends(c1, 10));

        Outcome<Counter, Event> outcome = counters.handle("c-1", new Add(1));

        assertThat(outcome.state()).isEqualTo(new Counter(16, false));
        assertThat(store.readCalls()).as("one tail read, no full reload").isEqualTo(1);
        assertThat(store.eventsRead()).as("only the rival's event is read").isEqualTo(1);
        assertThat(store.appendCalls()).isEqualTo(3); // ours, the rival's, ours again
        assertThat(metrics.count("conflict")).isEqualTo(1);
        assertThat(metrics.count("retry")).isEqualTo(1);
        assertThat(counters.load("c-1").state()).isEqualTo(Counter.DECIDER.fold(Counter.EMPTY, replay(c1)));
    }

    @Test
    void reDecisionAfterConflictMayRejectOnTheNewState() {
        counters.handle("c-1", new Add(5));
        store.beforeNextAppend(c1, () -> rivalAppends(c1, 4));

        Outcome<Counter, Event> outcome = counters.handle("c-1", new Add(2, 10));

        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        assertThat(outcome.state()).isEqualTo(new Counter(9, false));
        assertThat(outcome.version()).isEqualTo(store.version(c1));
    }

    @Test
    void givesUpAfterTheConfiguredAttemptsNamingEntityAttemptsAndVersions() {
        counters.handle("c-1", new Add(1));
        rivalAppendsBeforeEachOfOurNextAppends(c1, 4);

        assertThatThrownBy(() -> counters.handle("c-1", new Add(1)))
                .isInstanceOfSatisfying(ConflictRetriesExhausted.class, e -> {
                    assertThat(e.entity()).isEqualTo(c1);
                    assertThat(e.attempts()).isEqualTo(4);
                    assertThat(e.expectedVersions()).containsExactly(1L, 2L, 3L, 4L);
                })
                .hasMessageContaining("counter/c-1")
                .hasMessageContaining("4 attempts")
                .hasMessageContaining("[1, 2, 3, 4]");
        assertThat(replay(c1)).hasSize(5).allMatch(e -> e.equals(new Added(1)));
        assertThat(metrics.count("command.RETRIES_EXHAUSTED")).isEqualTo(1);
    }

    @Test
    void aResentCommandIsCountedAsADuplicate() {
        // that it is answered with its original outcome and stored once is RuntimeContract's
        CommandContext ctx = CommandContext.withCommandId("add-once");
        counters.handle("c-1", new Add(4), ctx);

        counters.handle("c-1", new Add(4), ctx);

        assertThat(metrics.count("command.DUPLICATE")).isEqualTo(1);
        assertThat(metrics.count("command.ACCEPTED")).isEqualTo(1);
    }

    @Test
    void resendAfterALostAcknowledgementIsADuplicateAndTheCacheCatchesUp() {
        counters.handle("c-1", new Add(1));
        CommandContext ctx = CommandContext.withCommandId("lost-ack");
        store.loseNextAcknowledgement(c1);

        assertThatThrownBy(() -> counters.handle("c-1", new Add(2), ctx)).isInstanceOf(EventStoreUnavailable.class);
        Outcome<Counter, Event> resent = counters.handle("c-1", new Add(2), ctx);

        assertThat(resent.isAccepted()).isTrue();
        Outcome.Accepted<Counter, Event> accepted = (Outcome.Accepted<Counter, Event>) resent;
        assertThat(accepted.duplicate()).isTrue();
        assertThat(accepted.events()).containsExactly(new AppendedEvent<>(c1, 2, new Added(2)));
        assertThat(accepted.state()).isEqualTo(new Counter(3, false));
        assertThat(accepted.version()).isEqualTo(2);
        assertThat(counters.handle("c-1", new Add(1)).state()).isEqualTo(new Counter(4, false));
    }

    @Test
    void noOpDecidedOnAStaleCachedStateIsConfirmedAgainstTheStore() {
        counters.handle("c-1", new Add(1)); // cached at version 1
        store.append(c1, 1, List.of(Counter.EVENTS.encode(new Counter.Closed())), CommandContext.create());

        Outcome<Counter, Event> outcome = counters.handle("c-1", new Add(0));

        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected<Counter, Event>) outcome).rejection()).isInstanceOf(Counter.AlreadyClosed.class);
        assertThat(outcome.version()).isEqualTo(2);
    }

    @Test
    void rejectionOnAnUpToDateCachedStateCostsOneVersionCheckAndNoRead() {
        counters.handle("c-1", new Add(3));
        store.resetCounters();

        Outcome<Counter, Event> outcome = counters.handle("c-1", new Add(5, 4));

        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        assertThat(store.versionCalls()).isEqualTo(1);
        assertThat(store.readCalls()).isZero();
    }

    @Test
    void resendAfterALostAcknowledgementIsRecognisedEvenWhereDecidingAgainWouldReject() {
        try (CommandRuntime uncached =
                CommandRuntime.builder(store).withoutCache().build()) {
            EntityHandle<Counter.Command, Counter, Event> h =
                    uncached.register("counter", Counter.DECIDER, Counter.EVENTS);
            CommandContext ctx = CommandContext.withCommandId("fill-up");
            store.loseNextAcknowledgement(c1);
            assertThatThrownBy(() -> h.handle("c-1", new Add(5, 5), ctx)).isInstanceOf(EventStoreUnavailable.class);

            Outcome<Counter, Event> resent = h.handle("c-1", new Add(5, 5), ctx); // 5 + 5 > 5 if decided again

            assertThat(resent).isInstanceOf(Outcome.Accepted.class);
            Outcome.Accepted<Counter, Event> accepted = (Outcome.Accepted<Counter, Event>) resent;
            assertThat(accepted.duplicate()).isTrue();
            assertThat(accepted.events()).containsExactly(new AppendedEvent<>(c1, 1, new Added(5)));
            assertThat(accepted.state()).isEqualTo(new Counter(5, false));
            assertThat(replay(c1)).containsExactly(new Added(5));
        }
    }

    @Test
    void undecodableStoredEventFailsTheCommandNamingStreamSubjectAndSequence() {
        EventCodec<Event> strict = new EventCodec<>() {
            @Override
            public EncodedEvent encode(Event event) {
                return Counter.EVENTS.encode(event);
            }

            @Override
            public Event decode(EncodedEvent encoded) {
                if (encoded.type().equals("Closed")) {
                    throw new IllegalArgumentException("unknown event type 'Closed'");
                }
                return Counter.EVENTS.decode(encoded);
            }
        };
        counters.handle("c-1", new Add(1));
        counters.handle("c-1", new Close());
        EntityHandle<Counter.Command, Counter, Event> strictCounters;
        try (CommandRuntime other = CommandRuntime.builder(store).build()) {
            strictCounters = other.register("counter", Counter.DECIDER, strict);

            assertThatThrownBy(() -> strictCounters.handle("c-1", new Add(1)))
                    .isInstanceOfSatisfying(EventDecodingFailed.class, e -> {
                        assertThat(e.sequence()).isEqualTo(2);
                        assertThat(e.subject()).isEqualTo("memory.counter.c-1");
                        assertThat(e.type()).isEqualTo("Closed");
                        assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class);
                    })
                    .hasMessageContaining("stream 'memory'")
                    .hasMessageContaining("unknown event type 'Closed'");
        }
    }

    @Test
    void loadsAsOfASequenceOrATimeForQueries() throws Exception {
        counters.handle("c-1", new Add(1));
        counters.handle("c-1", new Add(2));
        Instant between = Instant.now();
        Thread.sleep(5);
        counters.handle("c-1", new Add(4));

        assertThat(counters.loadAsOf("c-1", 2)).isEqualTo(new EntityState<>(c1, new Counter(3, false), 2));
        assertThat(counters.loadAsOf("c-1", between).state()).isEqualTo(new Counter(3, false));
        assertThat(counters.loadAsOf("c-1", 0)).isEqualTo(new EntityState<>(c1, Counter.EMPTY, 0));
        assertThat(counters.load("c-1")).isEqualTo(new EntityState<>(c1, new Counter(7, false), 3));
    }

    @Test
    void queryLoadOfACachedEntitySeesWritesOfOtherProcesses() {
        counters.handle("c-1", new Add(1));
        rivalAppends(c1, 5);

        assertThat(counters.load("c-1").state()).isEqualTo(new Counter(6, false));
    }

    @Test
    void oneRuntimeServesSeveralCategoriesEachWithItsOwnDecider() {
        Decider<Counter.Command, Counter, Event> doubling = Decider.of(
                Counter.EMPTY, (command, state) -> List.of(new Added(2 * ((Add) command).amount())), Counter::evolve);
        EntityHandle<Counter.Command, Counter, Event> doublers = runtime.register("doubler", doubling, Counter.EVENTS);

        counters.handle("x", new Add(3));
        doublers.handle("x", new Add(3));

        assertThat(counters.load("x").state().value()).isEqualTo(3);
        assertThat(doublers.load("x").state().value()).isEqualTo(6);
        assertThat(runtime.handleFor(doublers.category())).containsSame(doublers);
        assertThatThrownBy(() -> runtime.register("counter", Counter.DECIDER, Counter.EVENTS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'counter' is already registered");
    }

    private List<Event> replay(EntityRef entity) {
        return store.readAll(entity, ReadRange.all()).stream()
                .map(r -> Counter.EVENTS.decode(r.event()))
                .toList();
    }
}
