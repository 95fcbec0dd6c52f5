package dev.verdict.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.spring.tracing.TracedProjection;
import dev.verdict.spring.tracing.VerdictTracing;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.RecordedEvent;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The traced projection keeps the wrapped projection's batches: one call for the batch, one observation per event. */
class TracedProjectionTest {

    /** Records the batches it is given; fails a batch containing the event with sequence 13. */
    static final class BatchProjection implements Projection<String> {
        final List<List<Long>> batches = new ArrayList<>();

        @Override
        public String name() {
            return "batched";
        }

        @Override
        public OptionalLong checkpoint() {
            return OptionalLong.empty();
        }

        @Override
        public void apply(DeliveredEvent<String> event) {
            applyBatch(List.of(event));
        }

        @Override
        public boolean appliesBatches() {
            return true;
        }

        @Override
        public void applyBatch(List<DeliveredEvent<String>> events) {
            List<Long> sequences = events.stream().map(DeliveredEvent::sequence).toList();
            batches.add(sequences);
            if (sequences.contains(13L)) {
                throw new IllegalStateException("poison");
            }
        }

        @Override
        public void reset() {
            batches.clear();
        }
    }

    private static DeliveredEvent<String> event(long sequence) {
        return new DeliveredEvent<>(
                "e" + sequence,
                new RecordedEvent(
                        EntityRef.of("prescription", "rx-" + sequence),
                        sequence,
                        Instant.EPOCH,
                        "event-" + sequence,
                        Instant.EPOCH,
                        new EncodedEvent("Dispensed", 1, new byte[0]),
                        "command-" + sequence,
                        "command-" + sequence,
                        Optional.empty(),
                        Map.of()));
    }

    @Test
    void aBatchIsAppliedInOneCallWithAnObservationPerEvent() {
        List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }
        });
        BatchProjection batched = new BatchProjection();
        Projection<String> traced = new TracedProjection<>(batched, registry);

        assertThat(traced.appliesBatches()).isTrue();
        traced.applyBatch(List.of(event(10), event(11), event(12)));

        assertThat(batched.batches).containsExactly(List.of(10L, 11L, 12L));
        assertThat(stopped).hasSize(3).allSatisfy(context -> {
            assertThat(context.getName()).isEqualTo(VerdictTracing.APPLY_OBSERVATION);
            assertThat(context.getLowCardinalityKeyValue("projection").getValue())
                    .isEqualTo("batched");
            assertThat(context.getHighCardinalityKeyValue("batch.size").getValue())
                    .isEqualTo("3");
        });

        stopped.clear();
        assertThatThrownBy(() -> traced.applyBatch(List.of(event(13), event(14))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("poison");
        assertThat(stopped)
                .hasSize(2)
                .allSatisfy(context -> assertThat(context.getError()).hasMessage("poison"));
    }
}
