package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsProjections;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A projection without a checkpoint (its position is the shared consumer's acknowledgements) rebuilt on another
 * instance: an instance that remembers a position of the old consumer does not skip the rebuilt consumer's events.
 */
class CheckpointlessRebuildTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Test
    void anInstanceThatRemembersTheOldConsumersPositionAppliesTheEventsOfAConsumerRebuiltElsewhere() throws Exception {
        String store = "checkpointless";
        SubjectFilter filter = SubjectFilter.category(StoreName.of(store), Category.of("counter"));
        Connection a = NATS.server().connect();
        Connection b = NATS.server().connect();
        EventStreamFixture stream = new EventStreamFixture(a, store);
        for (int i = 0; i < 100; i++) {
            stream.append(new CounterEvent.Added("c-" + i, 1));
        }
        Recording first = new Recording(Long.MAX_VALUE);
        Recording second = new Recording(51); // the rebuild on the second instance stops at sequence 51
        ProjectionRunner<CounterEvent> instanceA = runner(a, filter, first);
        ProjectionRunner<CounterEvent> instanceB = runner(b, filter, second);
        try {
            instanceA.start();
            assertThat(instanceA.awaitPosition(100, Duration.ofSeconds(20))).isTrue();
            instanceA.stop(); // e.g. restarted by a deploy: it remembers position 100

            instanceB.rebuild(p -> {}); // deletes the consumer and creates it again from the first event
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (instanceB.status().state() != RunnerState.FAILED && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(instanceB.status().state()).isEqualTo(RunnerState.FAILED);
            assertThat(second.applied).containsExactlyElementsOf(sequences(1, 50));

            first.applied.clear();
            instanceA.start();
            instanceA.caughtUp().get(20, TimeUnit.SECONDS);

            assertThat(first.applied)
                    .as("the rebuilt consumer's events after what the rebuild acknowledged, none skipped")
                    .containsExactlyElementsOf(sequences(51, 100));
        } finally {
            instanceA.close();
            instanceB.close();
            a.close();
            b.close();
        }
    }

    private static ProjectionRunner<CounterEvent> runner(
            Connection nc, SubjectFilter filter, Projection<CounterEvent> projection) {
        return NatsProjections.runner(nc, filter, new CounterCodec(), projection)
                .failoverAfter(Duration.ofSeconds(3))
                .poisonPolicy(PoisonPolicy.STOP)
                .retryPolicy(new ApplyRetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), 1.0))
                .build();
    }

    private static List<Long> sequences(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** Keeps no checkpoint; records the sequences it applied; fails from {@code failFrom} on. */
    private static final class Recording implements Projection<CounterEvent> {
        final List<Long> applied = new CopyOnWriteArrayList<>();
        private final long failFrom;

        Recording(long failFrom) {
            this.failFrom = failFrom;
        }

        @Override
        public String name() {
            return "checkpointless";
        }

        @Override
        public OptionalLong checkpoint() {
            return OptionalLong.empty();
        }

        @Override
        public void apply(DeliveredEvent<CounterEvent> event) {
            if (event.sequence() >= failFrom) {
                throw new IllegalStateException("the read model refuses " + event.sequence());
            }
            applied.add(event.sequence());
        }

        @Override
        public void reset() {
            applied.clear();
        }
    }
}
