package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.EntityKey;
import dev.verdict.store.EntityRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One {@link Outcome} for one entity and for several: the same cases, accessors and {@code map}. */
class OutcomeTest {
    private static final EntityRef RX = EntityRef.of("prescription", "rx-1");
    private static final EntityRef STOCK = EntityRef.of("inventory", "aspirin");

    @Test
    void aOneEntityOutcomeNamesItsEntityAndVersion() {
        Outcome<String, String> outcome =
                new Outcome.Accepted<>(RX, List.of(new AppendedEvent<>(RX, 7, "dispensed")), 7, "rx", false);

        assertThat(outcome.entity()).isEqualTo(RX);
        assertThat(outcome.version()).isEqualTo(7);
        assertThat(outcome.versions()).containsExactly(Map.entry(RX, 7L));
        assertThat(outcome.versionOf(EntityKey.of("prescription", "rx-1"))).isEqualTo(7);
        String described = outcome.map(a -> "accepted " + a.events().size(), u -> "unchanged", r -> "rejected");
        assertThat(described).isEqualTo("accepted 1");
        assertThat(new Outcome.Unchanged<String, String>(RX, 3, "rx"))
                .isEqualTo(new Outcome.Unchanged<String, String>(Map.of(RX, 3L), "rx"));
    }

    @Test
    void anOutcomeOfSeveralEntitiesKeepsTheReadOrderAndRefusesTheOneEntityAccessors() {
        Map<EntityRef, Long> versions = new LinkedHashMap<>();
        versions.put(STOCK, 4L);
        versions.put(RX, 9L);
        Outcome<String, String> outcome = new Outcome.Accepted<>(
                List.of(new AppendedEvent<>(RX, 8, "dispensed"), new AppendedEvent<>(STOCK, 4, "deducted")),
                versions,
                "both",
                false);

        assertThat(outcome.versions().keySet()).containsExactly(STOCK, RX);
        assertThat(outcome.versionOf(EntityKey.of("inventory", "aspirin"))).isEqualTo(4);
        assertThat(((Outcome.Accepted<String, String>) outcome).eventsOf(EntityKey.of("prescription", "rx-1")))
                .containsExactly(new AppendedEvent<>(RX, 8, "dispensed"));
        assertThatThrownBy(outcome::entity)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read 2 entities");
        assertThatThrownBy(outcome::version).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> outcome.versionOf(EntityRef.of("inventory", "ibuprofen")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was not read by this command");
    }

    @Test
    void mapChoosesTheCaseOfEachOutcome() {
        Outcome<String, String> unchanged = new Outcome.Unchanged<>(Map.of(RX, 1L), "rx");
        Outcome<String, String> rejected =
                new Outcome.Rejected<>(new RememberedRejection("rx.expired", "expired"), Map.of(RX, 1L), "rx");

        int unchangedStatus = unchanged.map(a -> 201, u -> 200, r -> 409);
        int rejectedStatus = rejected.map(a -> 201, u -> 200, r -> 409);
        assertThat(unchangedStatus).isEqualTo(200);
        assertThat(rejectedStatus).isEqualTo(409);
        assertThat(unchanged.isAccepted()).isFalse();
    }

    @Test
    void anAcceptedOutcomeHoldsOnlyEventsOfEntitiesItRead() {
        assertThatThrownBy(() -> new Outcome.Accepted<>(
                        List.of(new AppendedEvent<>(STOCK, 2, "deducted")), Map.of(RX, 1L), "rx", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("which was not read");
        assertThatThrownBy(() -> new Outcome.Unchanged<>(Map.<EntityRef, Long>of(), "rx"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
