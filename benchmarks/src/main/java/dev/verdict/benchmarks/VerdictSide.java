package dev.verdict.benchmarks;

import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionCommand;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.benchmarks.domain.Prescriptions;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.SnapshotStore;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsEventHeaders;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * Verdict as an application uses it: a {@link NatsEventStore} named {@value #STORE} on its own connection, the JSON
 * codecs, its KV snapshot store, and command runtimes built per scenario (cache on or off, snapshots or not).
 */
final class VerdictSide {
    static final String STORE = "verdict";

    final Connection connection;
    final NatsEventStore store;
    final JsonEventCodec<PrescriptionEvent> codec = JsonEventCodec.of(PrescriptionEvent.class);
    final JsonStateCodec<Prescription> stateCodec = JsonStateCodec.of(Prescription.class);
    private final JetStream js;
    private final Optional<SnapshotStore> snapshots;

    VerdictSide(Connection connection) throws IOException {
        this.connection = connection;
        this.store = NatsEventStore.create(connection, NatsEventStoreConfig.of(STORE));
        this.js = connection.jetStream();
        this.snapshots = Optional.of(NatsSnapshotStore.create(connection, store.config()));
    }

    /** The stream settings Verdict provisions: the raw stream copies them. */
    StreamConfiguration streamConfiguration() {
        return NatsEventStore.streamConfiguration(store.config());
    }

    StoreName storeName() {
        return store.name();
    }

    /** The KV snapshot store of the store (bucket {@code verdict-snapshots}). */
    Optional<SnapshotStore> snapshots() {
        return snapshots;
    }

    String subject(String category, String id) {
        return STORE + "." + category + "." + id;
    }

    /** A runtime with a cache of {@code cacheSize} entities (0 = off), with or without snapshots. */
    CommandRuntime runtime(long cacheSize, boolean withSnapshots) {
        return runtime(cacheSize, withSnapshots, new CountingMetrics());
    }

    CommandRuntime runtime(long cacheSize, boolean withSnapshots, CountingMetrics metrics) {
        return runtime(cacheSize, withSnapshots, metrics, 1024);
    }

    /** A runtime with a cache whose {@code handleAsync} completes its futures inline (scenario 11). */
    CommandRuntime runtimeCompletingInline(long cacheSize) {
        return CommandRuntime.builder(store)
                .metrics(new CountingMetrics())
                .cacheSize(cacheSize)
                .completeInline()
                .build();
    }

    /** As above, with room for {@code snapshotQueue} pending snapshot writes (setup writes many at once). */
    CommandRuntime runtime(long cacheSize, boolean withSnapshots, CountingMetrics metrics, int snapshotQueue) {
        CommandRuntime.Builder b =
                CommandRuntime.builder(store).metrics(metrics).snapshotQueueCapacity(snapshotQueue);
        if (cacheSize > 0) {
            b.cacheSize(cacheSize);
        } else {
            b.withoutCache();
        }
        if (withSnapshots) {
            b.snapshots(snapshots.orElseThrow(() -> new IllegalStateException(Missing.SNAPSHOTS)));
        }
        return b.build();
    }

    EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> register(
            CommandRuntime runtime, String category, Optional<SnapshotPolicy<Prescription>> snapshotPolicy) {
        Registration<PrescriptionCommand, Prescription, PrescriptionEvent> r =
                Registration.of(category, Prescriptions.decider(), codec);
        if (snapshotPolicy.isPresent()) {
            r = r.withStateCodec(stateCodec).withSnapshotPolicy(snapshotPolicy.get());
        }
        return runtime.register(r);
    }

    /**
     * Setup only (not measured): writes histories fast – one {@code PrescriptionOrdered} then {@code DrugDispensed}
     * events per entity – as exactly the messages {@link NatsEventStore} writes (its {@link NatsEventHeaders}),
     * pipelined with publishAsync and without expectations, 1,000 in flight.
     *
     * @param entityOf the entity id of the i-th event
     */
    void fill(String category, IntFunction<String> entityOf, int events, int entities) {
        Instant at = Payloads.AT;
        EncodedEvent ordered = codec.encode(
                Prescriptions.decide(Prescriptions.order(at), Prescription.NEW).get(0));
        EncodedEvent dispensed = codec.encode(new PrescriptionEvent.DrugDispensed(1, "capsule", "pharmacist-7", at));
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            EncodedEvent e = i < entities ? ordered : dispensed;
            CommandContext context = CommandContext.create();
            NatsMessage m = NatsMessage.builder()
                    .subject(subject(category, entityOf.apply(i)))
                    .headers(NatsEventHeaders.of(e, 0, UUID.randomUUID().toString(), at, context))
                    .data(e.payload())
                    .build();
            inFlight.add(js.publishAsync(m));
            if (inFlight.size() == 1000) {
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                        .join();
                inFlight.clear();
            }
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
    }

    /** One entity with that many events. */
    void fill(String category, String id, int events) {
        fill(category, i -> id, events, 1);
    }
}
