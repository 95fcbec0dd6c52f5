package dev.verdict.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.Decider;
import dev.verdict.decider.EntityType;
import dev.verdict.decider.View;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.projection.ViewProjection;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonEventCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictProjectionTest {
    sealed interface RxEvent {
        record Ordered(int quantity) implements RxEvent {}
    }

    static final EntityType<String, Integer, RxEvent> PRESCRIPTIONS = EntityType.of(
            "clinic.prescription",
            Decider.<String, Integer, RxEvent>of(0, (command, state) -> List.of(), (state, event) -> state));

    @Test
    void aProjectionOfAnEntityTypeReadsThatTypesCategory() {
        ViewProjection<Integer, RxEvent> count =
                ViewProjection.of("count", View.<Integer, RxEvent>of(0, (n, e) -> n + 1));
        JsonEventCodec<RxEvent> codec = JsonEventCodec.of(RxEvent.class);

        VerdictProjection<RxEvent> projection =
                VerdictProjection.of(count, StoreName.of("pharmacy"), PRESCRIPTIONS, codec);

        assertThat(projection.filter().subjects()).containsExactly("pharmacy.clinic.prescription.*");
        assertThat(projection.filter()).isEqualTo(SubjectFilter.category(StoreName.of("pharmacy"), PRESCRIPTIONS));
        assertThat(projection.projection()).isSameAs(count);
        assertThat(projection.codec()).isSameAs(codec);
    }
}
