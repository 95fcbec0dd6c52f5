package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.View;
import dev.verdict.nats.NatsProjections;
import dev.verdict.store.Category;
import dev.verdict.store.DeadLetter;
import dev.verdict.store.PoisonReason;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsDeadLetters;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Events a projection cannot handle are retried, dead-lettered with their reason, and skipped (or stop it). */
class PoisonEventTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();
    private static final ApplyRetryPolicy FAST =
            new ApplyRetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20), 2.0);

    private Connection nc;
    private EventStreamFixture stream;
    private SubjectFilter filter;
    private NatsDeadLetters deadLetters;
    private String store;

    @BeforeEach
    void createStream() throws Exception {
        nc = NATS.server().connect();
        store = "poison" + STORES.incrementAndGet();
        stream = new EventStreamFixture(nc, store);
        filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));
        deadLetters = NatsDeadLetters.open(nc, "dead-letters-" + store);
    }

    @AfterEach
    void close() throws InterruptedException {
        nc.close();
    }

    /** Sums amounts; refuses (throws) amounts of 666 until {@code fixed} is set. */
    private ViewProjection<Long, CounterEvent> sum(AtomicBoolean fixed) {
        return ViewProjection.of("sum", View.of(0L, (total, e) -> {
            if (e instanceof CounterEvent.Added a) {
                if (a.amount() == 666 && !fixed.get()) {
                    throw new IllegalStateException("amount 666 is refused");
                }
                return total + a.amount();
            }
            return total;
        }));
    }

    private ProjectionRunner<CounterEvent> runner(Projection<CounterEvent> projection, PoisonPolicy policy) {
        return NatsProjections.runner(nc, filter, new CounterCodec(), projection)
                .retryPolicy(FAST)
                .poisonPolicy(policy)
                .deadLetters(deadLetters)
                .build();
    }

    @Test
    void unknownEventTypeLandsInTheDeadLetterStoreWithItsReasonAndTheProjectionContinues() throws Exception {
        stream.append(new CounterEvent.Added("c-1", 1));
        long bad = stream.appendRaw("c-1", "Bogus", "??");
        long last = stream.append(new CounterEvent.Added("c-1", 2));
        ViewProjection<Long, CounterEvent> view = sum(new AtomicBoolean());
        try (ProjectionRunner<CounterEvent> runner = runner(view, PoisonPolicy.DEAD_LETTER_AND_SKIP)) {
            runner.start();
            assertThat(runner.awaitPosition(last, Duration.ofSeconds(20))).isTrue();

            assertThat(view.state()).isEqualTo(3L);
            assertThat(deadLetters.list(store, "sum")).singleElement().satisfies(letter -> {
                assertThat(letter.sequence()).isEqualTo(bad);
                assertThat(letter.subject()).isEqualTo(store + ".counter.c-1");
                assertThat(letter.reason()).isEqualTo(PoisonReason.UNDECODABLE_EVENT);
                assertThat(letter.detail()).contains("unknown event type 'Bogus'");
                assertThat(letter.eventType()).contains("Bogus");
                assertThat(letter.attempts()).isEqualTo(3);
            });
            assertThat(runner.status().deadLettered()).isEqualTo(1);
        }
    }

    @Test
    void messageWithoutEventHeadersIsDeadLetteredAsUnreadable() throws Exception {
        long bad = stream.appendForeign("c-1", "not an event");
        long last = stream.append(new CounterEvent.Added("c-1", 5));
        ViewProjection<Long, CounterEvent> view = sum(new AtomicBoolean());
        try (ProjectionRunner<CounterEvent> runner = runner(view, PoisonPolicy.DEAD_LETTER_AND_SKIP)) {
            runner.start();
            assertThat(runner.awaitPosition(last, Duration.ofSeconds(20))).isTrue();

            assertThat(view.state()).isEqualTo(5L);
            assertThat(deadLetters.list(store, "sum")).singleElement().satisfies(letter -> {
                assertThat(letter.sequence()).isEqualTo(bad);
                assertThat(letter.reason()).isEqualTo(PoisonReason.UNREADABLE_MESSAGE);
                assertThat(letter.eventType()).isEmpty();
            });
        }
    }

    @Test
    void handlerThatKeepsThrowingIsRetriedThenDeadLetteredAndTheProjectionContinues() throws Exception {
        long bad = stream.append(new CounterEvent.Added("c-2", 666));
        long last = stream.append(new CounterEvent.Added("c-2", 4));
        ViewProjection<Long, CounterEvent> view = sum(new AtomicBoolean());
        try (ProjectionRunner<CounterEvent> runner = runner(view, PoisonPolicy.DEAD_LETTER_AND_SKIP)) {
            runner.start();
            assertThat(runner.awaitPosition(last, Duration.ofSeconds(20))).isTrue();

            assertThat(view.state()).isEqualTo(4L);
            assertThat(deadLetters.list(store, "sum")).singleElement().satisfies(letter -> {
                assertThat(letter.sequence()).isEqualTo(bad);
                assertThat(letter.reason()).isEqualTo(PoisonReason.HANDLER_FAILED);
                assertThat(letter.detail()).contains("amount 666 is refused");
                assertThat(letter.attempts()).isEqualTo(3);
            });
        }
    }

    @Test
    void stopPolicyHaltsTheProjectionAtThePoisonEventWithoutSkippingIt() throws Exception {
        stream.append(new CounterEvent.Added("c-3", 1));
        long bad = stream.append(new CounterEvent.Added("c-3", 666));
        stream.append(new CounterEvent.Added("c-3", 2));
        ViewProjection<Long, CounterEvent> view = sum(new AtomicBoolean());
        try (ProjectionRunner<CounterEvent> runner = runner(view, PoisonPolicy.STOP)) {
            runner.start();

            assertThatThrownBy(() -> runner.caughtUp().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(ProjectionHalted.class)
                    .hasMessageContaining("sequence " + bad);
            assertThat(runner.status().state()).isEqualTo(RunnerState.FAILED);
            assertThat(runner.status().position()).isEqualTo(bad - 1);
            assertThat(view.state()).isEqualTo(1L);
            assertThat(deadLetters.list(store, "sum"))
                    .extracting(DeadLetter::sequence)
                    .containsExactly(bad);
        }
    }

    @Test
    void replayingDeadLettersAfterAFixAppliesThemAndRemovesThem() throws Exception {
        stream.append(new CounterEvent.Added("c-4", 1));
        stream.append(new CounterEvent.Added("c-4", 666));
        long unknown = stream.appendRaw("c-4", "Bogus", "??");
        long last = stream.append(new CounterEvent.Added("c-4", 2));
        AtomicBoolean fixed = new AtomicBoolean();
        ViewProjection<Long, CounterEvent> view = sum(fixed);
        try (ProjectionRunner<CounterEvent> runner = runner(view, PoisonPolicy.DEAD_LETTER_AND_SKIP)) {
            runner.start();
            assertThat(runner.awaitPosition(last, Duration.ofSeconds(20))).isTrue();
            runner.stop();
            assertThat(deadLetters.list(store, "sum")).hasSize(2);

            fixed.set(true);
            List<DeadLetter> stillFailing = runner.replayDeadLetters();

            assertThat(view.state()).isEqualTo(1L + 2L + 666L);
            assertThat(stillFailing).extracting(DeadLetter::sequence).containsExactly(unknown);
            assertThat(deadLetters.list(store, "sum"))
                    .extracting(DeadLetter::sequence)
                    .containsExactly(unknown);
        }
    }

    @Test
    void aDeadLetterWhoseEventIsAppliedInARebuildIsRemoved() throws Exception {
        stream.append(new CounterEvent.Added("c-5", 1));
        long bad = stream.append(new CounterEvent.Added("c-5", 666));
        long last = stream.append(new CounterEvent.Added("c-5", 2));
        AtomicBoolean fixed = new AtomicBoolean();
        ViewProjection<Long, CounterEvent> view = sum(fixed);
        try (ProjectionRunner<CounterEvent> runner = runner(view, PoisonPolicy.DEAD_LETTER_AND_SKIP)) {
            runner.start();
            assertThat(runner.awaitPosition(last, Duration.ofSeconds(20))).isTrue();
            assertThat(deadLetters.list(store, "sum"))
                    .extracting(DeadLetter::sequence)
                    .containsExactly(bad);

            fixed.set(true);
            runner.rebuild(p -> {}).get(20, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(view.state()).isEqualTo(1L + 666L + 2L);
            assertThat(deadLetters.list(store, "sum"))
                    .as("applied in the rebuild: a later replay must not apply it again")
                    .isEmpty();
            runner.stop();
            assertThat(runner.replayDeadLetters()).isEmpty();
            assertThat(view.state()).isEqualTo(1L + 666L + 2L);
        }
    }
}
