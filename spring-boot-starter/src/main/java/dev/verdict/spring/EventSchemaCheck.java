package dev.verdict.spring;

import dev.verdict.runtime.Registration;
import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.codec.IncompatibleEventSchemas;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.nats.NatsEventSchemas;
import dev.verdict.store.nats.NatsEventStoreConfig;
import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The start-up schema check: once every bean exists – before the web server and the projection runners start –
 * compares the JSON Schemas of every {@link Registration} bean's events (those with a {@link JsonEventCodec}) with
 * the ones published in the store's schema bucket, fails the start with {@link IncompatibleEventSchemas} naming
 * category, type and field of every change no upcaster covers, and otherwise publishes them (see {@link
 * NatsEventSchemas}). Off with {@code verdict.store.schemas=false}; skipped with a warning when the bucket is missing
 * and provisioning is off.
 */
public final class EventSchemaCheck implements SmartInitializingSingleton {
    private static final Logger LOG = LoggerFactory.getLogger(EventSchemaCheck.class);

    private final Connection connection;
    private final NatsEventStoreConfig config;
    private final ObjectProvider<Registration<?, ?, ?>> registrations;

    EventSchemaCheck(
            Connection connection, NatsEventStoreConfig config, ObjectProvider<Registration<?, ?, ?>> registrations) {
        this.connection = connection;
        this.config = config;
        this.registrations = registrations;
    }

    @Override
    public void afterSingletonsInstantiated() {
        NatsEventSchemas schemas;
        try {
            schemas = NatsEventSchemas.create(connection, config);
        } catch (StoreMisconfigured e) {
            LOG.warn("event schemas are neither checked nor published: {}", e.getMessage());
            return;
        }
        List<String> problems = new ArrayList<>();
        List<Runnable> publications = new ArrayList<>();
        registrations.orderedStream().forEach(r -> {
            if (r.eventCodec() instanceof JsonEventCodec<?> codec) {
                problems.addAll(schemas.problems(r.category(), codec));
                publications.add(() -> schemas.publish(r.category(), codec));
            }
        });
        if (!problems.isEmpty()) {
            throw new IncompatibleEventSchemas(problems);
        }
        publications.forEach(Runnable::run);
    }
}
