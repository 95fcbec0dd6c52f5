package dev.verdict.examples.pharmacy.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.examples.pharmacy.InventoryEvents;
import dev.verdict.store.Category;
import dev.verdict.store.codec.EventSchemas;
import dev.verdict.store.codec.IncompatibleEventSchemas;
import dev.verdict.store.nats.NatsEventSchemas;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServerExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The pharmacy publishes its event schemas at start and refuses to start on a change no upcaster covers. */
class SchemaCheckAtStartTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @TempDir
    Path data;

    @Test
    void theAppPublishesItsSchemasAndRefusesToStartWhenAPublishedVersionDiffersFromItsRecord() throws Exception {
        try (PharmacyApp app =
                PharmacyApp.start(PharmacySettings.forTest(NATS.server().url(), data))) {
            assertThat(app.url()).isNotNull();
        }
        NatsEventSchemas schemas = NatsEventSchemas.create(NATS.connection(), NatsEventStoreConfig.of("pharmacy"));
        ObjectNode received = (ObjectNode)
                schemas.published(Category.of("inventory")).get("StockReceived").get(2);
        assertThat(received).isEqualTo(EventSchemas.of(InventoryEvents.CODEC).get("StockReceived"));

        // another build published StockReceived version 2 with 'quantity' where this code has 'units'
        ObjectNode other = received.deepCopy();
        ObjectNode properties = (ObjectNode) other.get("properties");
        properties.set("quantity", properties.remove("units"));
        other.putArray("required").add("drug").add("quantity").add("occurredAt");
        NATS.connection()
                .keyValue("pharmacy-schemas")
                .put("inventory.StockReceived.v2", new ObjectMapper().writeValueAsBytes(other));

        assertThatThrownBy(() -> PharmacyApp.start(
                                PharmacySettings.forTest(NATS.server().url(), data))
                        .close())
                .hasRootCauseInstanceOf(IncompatibleEventSchemas.class)
                .rootCause()
                .hasMessageContaining("category 'inventory', event type 'StockReceived': field 'quantity' was removed")
                .hasMessageContaining("event type 'StockReceived': field 'units' was added as required");
    }
}
