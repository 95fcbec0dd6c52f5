package dev.verdict.evolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.Category;
import dev.verdict.store.codec.EventSchemas;
import dev.verdict.store.codec.EventType;
import dev.verdict.store.codec.EventUpcaster;
import dev.verdict.store.codec.IncompatibleEventSchemas;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.Upcaster;
import dev.verdict.store.nats.NatsEventSchemas;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServerExtension;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The schemas published to KV, and the start-up check that refuses a change no upcaster covers. */
class EventSchemasOnNatsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();
    private static final Category STOCK = Category.of("stock");

    /** Release 1 of the events. */
    sealed interface V1 permits V1.Received, V1.Reserved {
        record Received(String drug, int quantity, Instant at) implements V1 {}

        record Reserved(String drug, int quantity) implements V1 {}
    }

    /** The field renamed, the version kept: incompatible. */
    sealed interface Renamed permits Renamed.Received, Renamed.Reserved {
        record Received(String drug, int units, Instant at) implements Renamed {}

        record Reserved(String drug, int quantity) implements Renamed {}
    }

    /** The rename as version 2; Reserved retired. */
    sealed interface V2 permits V2.Received {
        @EventType(value = "Received", version = 2)
        record Received(String drug, int units, Instant at, Optional<String> lot) implements V2 {}
    }

    /** An optional field added at the same version: compatible. */
    sealed interface WithLot permits WithLot.Received, WithLot.Reserved {
        record Received(String drug, int quantity, Instant at, Optional<String> lot) implements WithLot {}

        record Reserved(String drug, int quantity) implements WithLot {}
    }

    private static NatsEventSchemas schemas() {
        return NatsEventSchemas.create(
                NATS.connection(), NatsEventStoreConfig.of("schemas" + STORES.incrementAndGet()));
    }

    @Test
    void publishesOneSchemaPerTypeAndVersionDerivedFromTheRecords() {
        NatsEventSchemas schemas = schemas();
        schemas.verifyAndPublish(STOCK, JsonEventCodec.of(V1.class));

        var received = schemas.published(STOCK).get("Received").get(1);
        assertThat(received.get("x-verdict-version").asInt()).isEqualTo(1);
        assertThat(received.at("/properties/quantity/type").asText()).isEqualTo("integer");
        assertThat(received.at("/properties/at/format").asText()).isEqualTo("date-time");
        assertThat(received.get("required").toString()).isEqualTo("[\"drug\",\"quantity\",\"at\"]");
        assertThat(schemas.published(STOCK).keySet()).containsExactly("Received", "Reserved");
    }

    @Test
    void aFieldRenamedWithoutANewVersionIsRefusedNamingTypeAndFields() {
        NatsEventSchemas schemas = schemas();
        schemas.verifyAndPublish(STOCK, JsonEventCodec.of(V1.class));

        assertThatThrownBy(() -> schemas.verifyAndPublish(STOCK, JsonEventCodec.of(Renamed.class)))
                .isInstanceOf(IncompatibleEventSchemas.class)
                .satisfies(e -> assertThat(((IncompatibleEventSchemas) e).problems())
                        .containsExactly(
                                "category 'stock', event type 'Received': field 'quantity' was removed (stored events"
                                        + " carry it) without a new version: raise @EventType(version = 2) and add an"
                                        + " upcaster from 1",
                                "category 'stock', event type 'Received': field 'units' was added as required (stored"
                                        + " events lack it) without a new version: raise @EventType(version = 2) and"
                                        + " add an upcaster from 1"));
        // nothing was published by the refused code
        assertThat(schemas.published(STOCK).get("Received")).containsOnlyKeys(1);
        assertThat(schemas.published(STOCK)
                        .get("Received")
                        .get(1)
                        .at("/properties/quantity")
                        .isMissingNode())
                .isFalse();
    }

    @Test
    void anOptionalFieldAddedAtTheSameVersionIsAccepted() {
        NatsEventSchemas schemas = schemas();
        schemas.verifyAndPublish(STOCK, JsonEventCodec.of(V1.class));

        schemas.verifyAndPublish(STOCK, JsonEventCodec.of(WithLot.class));

        assertThat(schemas.published(STOCK)
                        .get("Received")
                        .get(1)
                        .at("/properties/lot/type")
                        .asText())
                .isEqualTo("string");
    }

    @Test
    void aNewVersionNeedsAnUpcasterPathAndARetiredTypeAnEventUpcaster() {
        NatsEventSchemas schemas = schemas();
        schemas.verifyAndPublish(STOCK, JsonEventCodec.of(V1.class));

        assertThat(schemas.problems(STOCK, JsonEventCodec.of(V2.class)))
                .containsExactly(
                        "category 'stock', event type 'Received': version 1 is published, the code is at version 2"
                                + " and has no upcaster path from 1",
                        "category 'stock', event type 'Reserved' version 1 is published, but this code cannot read"
                                + " it: register an alias or an EventUpcaster");

        JsonEventCodec<V2> upcasting = JsonEventCodec.builder(V2.class)
                .upcaster(Upcaster.of("Received", 1, j -> {
                    j.set("units", j.remove("quantity"));
                    return j;
                }))
                .upcaster(EventUpcaster.drop("Reserved", 1))
                .build();
        schemas.verifyAndPublish(STOCK, upcasting);
        assertThat(schemas.published(STOCK).get("Received")).containsOnlyKeys(1, 2);
        assertThat(EventSchemas.of(upcasting).get("Received").at("/required").toString())
                .isEqualTo("[\"drug\",\"units\",\"at\"]");
    }

    @Test
    void aFieldOfAnotherJsonTypeIsRefused() {
        List<String> problems = EventSchemas.incompatibilities(
                "Received",
                EventSchemas.schemaOf(V1.Received.class),
                EventSchemas.schemaOf(WithLot.Received.class).put("unused", 1));
        assertThat(problems).isEmpty();
        var changed = EventSchemas.schemaOf(V1.Received.class);
        ((com.fasterxml.jackson.databind.node.ObjectNode)
                        changed.get("properties").get("quantity"))
                .put("type", "string");
        assertThat(EventSchemas.incompatibilities("Received", EventSchemas.schemaOf(V1.Received.class), changed))
                .containsExactly("event type 'Received': field 'quantity' changed from integer to string");
    }
}
