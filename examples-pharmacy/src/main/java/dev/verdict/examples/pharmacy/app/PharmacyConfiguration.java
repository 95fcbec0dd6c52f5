package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.verdict.decider.CombinedState;
import dev.verdict.examples.pharmacy.Dispensing;
import dev.verdict.examples.pharmacy.Dispensing.DispenseFill;
import dev.verdict.examples.pharmacy.Inventory;
import dev.verdict.examples.pharmacy.InventoryCommand;
import dev.verdict.examples.pharmacy.InventoryDecider;
import dev.verdict.examples.pharmacy.InventoryEvent;
import dev.verdict.examples.pharmacy.InventoryEvents;
import dev.verdict.examples.pharmacy.PharmacyProcess;
import dev.verdict.examples.pharmacy.Prescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand;
import dev.verdict.examples.pharmacy.PrescriptionDecider;
import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.examples.pharmacy.PrescriptionEvents;
import dev.verdict.projection.process.CommandSender;
import dev.verdict.projection.timers.TimerReactions;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.MultiEntityHandle;
import dev.verdict.runtime.MultiRegistration;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.spring.ProjectionDecorator;
import dev.verdict.spring.ProjectionRunners;
import dev.verdict.spring.VerdictProjection;
import dev.verdict.spring.VerdictProperties;
import dev.verdict.store.TimerFired;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.codec.TimerFiredCodec;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsProcessStates;
import dev.verdict.store.nats.NatsTimers;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The pharmacy's Spring configuration: what the application declares, next to what Verdict's starter and Spring Boot
 * configure from it.
 *
 * <ul>
 *   <li>the NATS connection – the app's own bean (reconnecting forever, logging connection changes with credentials
 *       masked), so the starter's backs off; the starter provisions the event store {@code pharmacy} (one JetStream
 *       stream, one subject per entity), its snapshot bucket and command-id index from {@code verdict.store.*}, and
 *       builds the {@link CommandRuntime};
 *   <li>two {@link Registration} beans – {@code prescription} ({@link PrescriptionDecider}) and {@code inventory}
 *       ({@link InventoryDecider}), both snapshotted – for which the starter registers an {@link EntityHandle} bean
 *       each, and the decision over both, {@code dispense} ({@link Dispensing}): a dispense and its stock deduction
 *       are one atomic append;
 *   <li>the projections ({@link PharmacyProjections}) run by the starter's {@link ProjectionRunners} on shared durable
 *       consumers (one instance active, the others standing by): the read model {@link PatientPrescriptions} (H2 file
 *       or PostgreSQL) and the process manager {@link PharmacyProcess}, which requests a reorder when a dispense takes
 *       a drug's stock below its threshold (command ids derived from the triggering event) and follows it up once
 *       when no stock arrives in time (its timers fire into {@code timers-stock-reorder});
 *   <li>with {@code STORE_SHARDS} above 1 ({@link StoreShards}), the store sharded over that many streams ({@link
 *       ShardedPharmacyStore}) and every projection per shard;
 *   <li>the application service {@link Pharmacy} (imported: built from its constructor) and the Idempotency-Key
 *       records; the web layer ({@link
 *       PharmacyController}, {@link ApiErrors}, the console) is imported from here.
 * </ul>
 *
 * <p>Health ({@code /actuator/health}: NATS, the stream, each projection), metrics ({@code /actuator/prometheus})
 * and traces (an incoming W3C {@code traceparent} continued into the events, the read model and the process
 * manager's commands) come from the starter and Spring Boot's Actuator; {@code application.properties} exposes them.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import({
    ShardedPharmacyStore.class,
    Pharmacy.class,
    PharmacyWeb.class,
    PharmacyController.class,
    ConsoleController.class,
    ApiErrors.class,
    LiveEvents.class,
    PatientRecords.class,
    PatientController.class
})
class PharmacyConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(PharmacyConfiguration.class);

    /** The JSON mapper of the API: ISO-8601 instants, no failure on unknown properties. */
    static ObjectMapper objectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    @Bean
    ObjectMapper pharmacyJson() {
        return objectMapper();
    }

    @Bean
    Clock pharmacyClock() {
        return Clock.systemUTC();
    }

    /**
     * The NATS connection: reconnects forever, logs its changes. An unreachable server fails the start with one
     * sentence (the cause is not attached: its message may repeat the URL with its credentials).
     */
    @Bean(destroyMethod = "close")
    Connection pharmacyNats(PharmacySettings settings) {
        return connect(settings, "verdict-pharmacy");
    }

    /** A connection to the settings' nats-server as {@link #pharmacyNats} makes it, with the given name. */
    static Connection connect(PharmacySettings settings, String connectionName) {
        String url = settings.natsUrl();
        NatsConnectionLog log = new NatsConnectionLog();
        Options options = Options.builder()
                .server(url)
                .connectionListener(log)
                .errorListener(log)
                .connectionName(connectionName)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        try {
            return Nats.connect(options);
        } catch (IOException e) {
            throw new PharmacyStartFailure("cannot reach the nats-server at " + Redaction.redact(url) + " ("
                    + Redaction.redact(e.getMessage()) + "); start one with scripts/pharmacy or set NATS_URL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PharmacyStartFailure("interrupted while connecting to " + Redaction.redact(url));
        }
    }

    /** Prescriptions: the starter registers the handle {@code prescriptionHandle}. */
    @Bean
    Registration<PrescriptionCommand, Prescription, PrescriptionEvent> prescription() {
        return Registration.of(PrescriptionDecider.TYPE, PrescriptionEvents.CODEC)
                .withStateCodec(JsonStateCodec.of(Prescription.class))
                .withSnapshotPolicy(SnapshotPolicy.everyEvents(10));
    }

    /** A drug's stock: the starter registers the handle {@code inventoryHandle}. */
    @Bean
    Registration<InventoryCommand, Inventory, InventoryEvent> inventory() {
        return Registration.of(InventoryDecider.TYPE, InventoryEvents.CODEC)
                .withStateCodec(JsonStateCodec.of(Inventory.class))
                .withSnapshotPolicy(SnapshotPolicy.everyEvents(50));
    }

    /**
     * The dispense over a prescription and its drug's stock; it reads the registered types, so it shares their cached
     * states and snapshots.
     */
    @Bean
    MultiEntityHandle<DispenseFill, CombinedState<Prescription, Inventory>, Object> dispenses(CommandRuntime runtime) {
        return runtime.register(MultiRegistration.of("dispense", new Dispensing().decider()));
    }

    /**
     * How the API's commands are decided: here, or – {@code COMMAND_ROUTING=owner} – on the instance owning the entity
     * (owner-routed commands, ownership scoped by the store's name, {@link PharmacyCommands#PARTITIONS} partitions;
     * docs/scaling.md). Closing hands this instance's partitions over at once.
     */
    @Bean(destroyMethod = "close")
    PharmacyCommands pharmacyCommands(
            Environment environment,
            Connection nats,
            NatsEventStoreConfig store,
            CommandRuntime runtime,
            EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> prescriptions,
            EntityHandle<InventoryCommand, Inventory, InventoryEvent> inventory,
            MultiEntityHandle<DispenseFill, CombinedState<Prescription, Inventory>, Object> dispenses) {
        if (!PharmacyCommands.routed(environment.getProperty("COMMAND_ROUTING", "off"))) {
            return PharmacyCommands.direct(prescriptions, inventory, dispenses);
        }
        LOG.info("commands are owner-routed (COMMAND_ROUTING=owner)");
        return PharmacyCommands.routed(
                nats, store.storeName().value(), store.replicas(), runtime, prescriptions, inventory, dispenses);
    }

    @Bean
    JdbcDatabase readModelDatabase(PharmacySettings settings) {
        return new JdbcDatabase(settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
    }

    /** How many streams the store is sharded over ({@code STORE_SHARDS}); an invalid setting fails the start. */
    @Bean
    StoreShards storeShards(Environment environment) {
        return StoreShards.of(environment);
    }

    @Bean
    PatientPrescriptions patientPrescriptions(JdbcDatabase database, StoreShards shards) {
        try {
            return new PatientPrescriptions(database, shards.count());
        } catch (SQLException e) {
            throw new PharmacyStartFailure("cannot open the read model's database " + database.describe() + ": "
                    + Redaction.redact(e.getMessage()));
        }
    }

    /** The store's durable timers, on the server's message scheduler (stream {@code <store>_timers}). */
    @Bean
    NatsTimers pharmacyTimers(Connection nats, NatsEventStoreConfig store, Clock clock) {
        return NatsTimers.create(nats, store, clock);
    }

    /**
     * The runners of the pharmacy's projections ({@link PharmacyProjections}: per shard of the store, the read model,
     * the stock-reorder process manager and its follow-up timers, the expiry timers' scheduling; once, the expiry's
     * reactions), run as the starter runs {@code VerdictProjection} beans – on shared durable consumers, one instance
     * active and the others standing by, with the starter's decorators (tracing, metrics) and health. The process
     * manager requests a reorder when a dispense takes a drug's stock below its threshold (command ids derived from
     * the triggering event) and follows it up once when no stock arrives in time: {@code PHARMACY_REORDER_FOLLOW_UP}
     * (an ISO-8601 duration, e.g. {@code PT24H}, the default).
     */
    @Bean
    ProjectionRunners pharmacyProjectionRunners(
            Connection nats,
            NatsEventStoreConfig store,
            StoreShards shards,
            PatientPrescriptions readModel,
            NatsTimers timers,
            Environment environment,
            EntityHandle<InventoryCommand, Inventory, InventoryEvent> inventory,
            EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> prescriptions,
            ObjectProvider<ProjectionDecorator> decorators,
            VerdictProperties properties) {
        String followUp = environment.getProperty("PHARMACY_REORDER_FOLLOW_UP", "");
        Duration followUpAfter;
        try {
            followUpAfter = followUp.isBlank() ? PharmacyProcess.DEFAULT_FOLLOW_UP_AFTER : Duration.parse(followUp);
        } catch (java.time.format.DateTimeParseException e) {
            throw new PharmacyStartFailure(
                    "PHARMACY_REORDER_FOLLOW_UP must be an ISO-8601 duration such as PT24H, was '" + followUp + "'");
        }
        // records a prescription's expiry when its timer falls due, on a durable consumer of the fired timers
        VerdictProjection<TimerFired> expiry = VerdictProjection.of(
                PrescriptionExpiry.reactions(CommandSender.via(prescriptions)),
                TimerReactions.filter(store.storeName(), PrescriptionExpiry.OWNER),
                TimerFiredCodec.INSTANCE);
        List<VerdictProjection<?>> projections = PharmacyProjections.of(
                store,
                shards,
                readModel,
                timers,
                // the process states' bucket as durable as the store
                NatsProcessStates.builder(nats).replicas(store.replicas()).open(),
                followUpAfter,
                inventory,
                expiry);
        return new ProjectionRunners(
                nats,
                projections,
                List.of(),
                decorators.orderedStream().toList(),
                properties.getProjections().isAutoStartup());
    }

    /** The Idempotency-Key records, shared by every instance (KV bucket {@code <store>-idempotency}). */
    @Bean
    IdempotencyRecords idempotencyRecords(Connection nats, NatsEventStoreConfig store, ObjectMapper json, Clock clock) {
        try {
            return IdempotencyRecords.open(
                    nats,
                    store.storeName().value() + "-idempotency",
                    store.replicas(),
                    IdempotencyRecords.DEFAULT_RETENTION,
                    IdempotencyRecords.DEFAULT_LEASE,
                    json,
                    clock);
        } catch (IOException | JetStreamApiException e) {
            throw new PharmacyStartFailure("cannot open the Idempotency-Key bucket: " + e.getMessage());
        }
    }
}
