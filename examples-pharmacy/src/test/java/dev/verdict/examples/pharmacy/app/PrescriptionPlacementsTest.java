package dev.verdict.examples.pharmacy.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.EntityRef;
import dev.verdict.store.ShardPlacement;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The placement directory of a sharded pharmacy, on a real nats-server: written once, read by every instance. */
class PrescriptionPlacementsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Test
    void aPrescriptionIsPlacedWithTheStockOfTheDrugFirstRecordedForIt() throws Exception {
        try (Connection a = Nats.connect(NATS.server().url());
                Connection b = Nats.connect(NATS.server().url())) {
            PrescriptionPlacements first = PrescriptionPlacements.open(a, "rx1", 1);
            PrescriptionPlacements second = PrescriptionPlacements.open(b, "rx1", 1);

            assertThat(first.place("rx-1", "aspirin")).isEqualTo("aspirin");
            assertThat(second.place("rx-1", "ibuprofen"))
                    .as("another instance ordering the id for another drug finds the first entry")
                    .isEqualTo("aspirin");
            assertThat(second.drugOf("rx-1")).contains("aspirin");

            ShardPlacement placement = second.placement();
            assertThat(placement.name()).isEqualTo(PrescriptionPlacements.NAME);
            assertThat(placement.keyOf(EntityRef.of("prescription", "rx-1")))
                    .isEqualTo(EntityRef.of("inventory", "aspirin"));
            for (int shards = 2; shards <= 16; shards++) {
                assertThat(placement.shardOf(EntityRef.of("prescription", "rx-1"), shards))
                        .isEqualTo(placement.shardOf(EntityRef.of("inventory", "aspirin"), shards));
            }
            assertThat(new String(
                            a.keyValue(PrescriptionPlacements.bucketOf("rx1"))
                                    .get("rx-1")
                                    .getValue(),
                            StandardCharsets.UTF_8))
                    .as("the stored form: key the prescription id, value the drug, nothing else")
                    .isEqualTo("aspirin");
        }
    }

    @Test
    void anUnknownPrescriptionIsPlacedByItselfAndAskedForAgainLater() throws Exception {
        try (Connection a = Nats.connect(NATS.server().url());
                Connection b = Nats.connect(NATS.server().url())) {
            PrescriptionPlacements reader = PrescriptionPlacements.open(a, "rx2", 1);
            PrescriptionPlacements writer = PrescriptionPlacements.open(b, "rx2", 1);
            EntityRef rx = EntityRef.of("prescription", "rx-later");

            assertThat(reader.drugOf("rx-later")).isEmpty();
            assertThat(reader.placement().keyOf(rx)).isEqualTo(rx);
            assertThat(EntityRef.of("patient", "p-1"))
                    .as("patients are placed by themselves")
                    .isEqualTo(reader.placement().keyOf(EntityRef.of("patient", "p-1")));

            writer.place("rx-later", "codeine");
            assertThat(reader.placement().keyOf(rx))
                    .as("absence is not cached")
                    .isEqualTo(EntityRef.of("inventory", "codeine"));
        }
    }
}
