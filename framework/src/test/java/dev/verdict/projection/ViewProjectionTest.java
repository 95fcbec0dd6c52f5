package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.View;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.RecordedEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ViewProjectionTest {
    private final ViewProjection<Integer, Integer> sum = ViewProjection.of("sum", View.of(0, Integer::sum));

    private static DeliveredEvent<Integer> at(long sequence, int value) {
        RecordedEvent recorded = new RecordedEvent(
                EntityRef.of("n", "x"),
                sequence,
                Instant.EPOCH,
                "e-" + sequence,
                Instant.EPOCH,
                new EncodedEvent("N", 1, new byte[0]),
                "c",
                "c",
                Optional.empty(),
                Map.of());
        return new DeliveredEvent<>(value, recorded);
    }

    @Test
    void appliesEventsAndMovesTheCheckpoint() {
        sum.apply(at(3, 10));
        sum.apply(at(7, 5));

        assertThat(sum.state()).isEqualTo(15);
        assertThat(sum.checkpoint()).hasValue(7);
    }

    @Test
    void ignoresARedeliveredEventAtOrBelowTheCheckpoint() {
        sum.apply(at(3, 10));
        sum.apply(at(3, 10));
        sum.apply(at(2, 99));

        assertThat(sum.state()).isEqualTo(10);
    }

    @Test
    void outOfOrderReplayChangesTheStateButNotTheCheckpoint() {
        sum.apply(at(7, 5));
        sum.applyOutOfOrder(at(4, 1));

        assertThat(sum.state()).isEqualTo(6);
        assertThat(sum.checkpoint()).hasValue(7);
    }

    @Test
    void resetReturnsToTheInitialStateAndCheckpointZero() {
        sum.apply(at(7, 5));
        sum.reset();

        assertThat(sum.state()).isZero();
        assertThat(sum.checkpoint()).hasValue(0);
    }
}
