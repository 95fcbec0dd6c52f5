package dev.verdict.examples.pharmacy.app;

import dev.verdict.examples.pharmacy.InventoryDecider;
import dev.verdict.examples.pharmacy.PrescriptionDecider;
import dev.verdict.store.EntityId;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.ShardPlacement;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The placement directory of a sharded pharmacy ({@code STORE_SHARDS} above 1): which drug each prescription was
 * ordered for, so that the prescription is stored on the shard of its drug's stock and a dispense – which reads both
 * in one atomic decision – never spans two shards. Clients choose prescription ids ({@code POST /prescriptions}), so
 * the id cannot carry the drug; the directory does.
 *
 * <p>Stored in the KV bucket {@code <store>-placements}: key the prescription id, value the drug's name (UTF-8) –
 * no personal data (a patient's erasure has nothing to erase here). Guarantees:
 *
 * <ul>
 *   <li><b>Written once.</b> {@link #place} records a prescription's drug with create-if-absent before the prescription's
 *       first event is appended; an entry is never changed or deleted, so every instance places a prescription on
 *       the same shard for its whole life, and caches the entry for as long as it runs.
 *   <li><b>An id taken stays taken.</b> An order whose id was recorded for another drug – an earlier order of that
 *       id that was refused or never stored, or a prescription of that id – is not placed: the caller refuses it
 *       ({@link IdTaken}). Placing it with its own drug could store one prescription on two shards.
 *   <li><b>Unknown prescriptions are placed by themselves.</b> A prescription without an entry has no events on any
 *       shard (its entry precedes its first event), so reading it on its own shard finds nothing and its commands
 *       are refused as {@code prescription.not-found}. Absence is not cached: the next command asks the bucket again.
 * </ul>
 *
 * <p>Patients and stocks are not in the directory: each is placed by itself ({@link ShardPlacement}'s default).
 * Thread-safe. On a cluster a read may be answered by a replica of the bucket that lags the write by moments: a
 * command sent to another instance right after the order may then be refused as {@code prescription.not-found} – never
 * stored on the wrong shard, since only an order creates a prescription, and an order's {@link #place} writes (or
 * finds) the entry with create-if-absent on the bucket's leader.
 */
final class PrescriptionPlacements implements AutoCloseable {
    /** The placement's name, recorded on every shard stream: prescriptions with their drug's stock. */
    static final String NAME = "prescription-with-stock";

    private final Connection nats;
    private final KeyValue kv;
    private final ConcurrentMap<String, String> known = new ConcurrentHashMap<>();

    private PrescriptionPlacements(Connection nats, KeyValue kv) {
        this.nats = nats;
        this.kv = kv;
    }

    /** The directory's bucket of a store: {@code <store>-placements}. */
    static String bucketOf(String store) {
        return store + "-placements";
    }

    /**
     * Opens the store's directory on its own connection, which it closes when closed, creating its bucket (file
     * storage, one revision per key) when missing.
     *
     * <p>Its own connection, because the placement is asked on the store's calling threads, which include the NATS
     * client's reply thread of the store's connection (an asynchronous append's continuation): a lookup there over
     * the same connection would wait for a reply only that thread can deliver (seen: every such lookup timed out).
     */
    static PrescriptionPlacements open(Connection nats, String store, int replicas)
            throws IOException, JetStreamApiException {
        String bucket = bucketOf(store);
        KeyValue directory = PharmacyBuckets.ensure(
                nats,
                KeyValueConfiguration.builder()
                        .name(bucket)
                        .description(
                                "Verdict pharmacy: the drug each prescription is placed with (store " + store + ")")
                        .storageType(StorageType.File)
                        .replicas(replicas)
                        .maxHistoryPerKey(1)
                        .build());
        return new PrescriptionPlacements(nats, directory);
    }

    /**
     * The store's placement: a prescription with the stock of the drug recorded for it ({@code inventory/<drug>}),
     * an unknown prescription by itself, every other entity by itself.
     */
    ShardPlacement placement() {
        return ShardPlacement.named(NAME).placing(PrescriptionDecider.TYPE.category(), this::keyOf);
    }

    private EntityRef keyOf(EntityRef prescription) {
        return drugOf(prescription.id().value())
                .map(drug -> EntityRef.of(InventoryDecider.TYPE.key(drug)))
                .orElse(prescription);
    }

    /**
     * The drug recorded for a prescription; empty when none is.
     *
     * @throws EventStoreUnavailable when the bucket cannot be read
     */
    Optional<String> drugOf(String prescriptionId) {
        String drug = known.get(prescriptionId);
        if (drug != null) {
            return Optional.of(drug);
        }
        KeyValueEntry entry;
        try {
            entry = kv.get(prescriptionId);
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot read the placement of prescription " + prescriptionId, e);
        }
        if (entry == null || entry.getValue() == null) {
            return Optional.empty();
        }
        return Optional.of(remember(prescriptionId, new String(entry.getValue(), StandardCharsets.UTF_8)));
    }

    /**
     * Records that a prescription is ordered for {@code drug}, unless an entry exists; returns the drug recorded –
     * {@code drug}, or the drug of the earlier entry.
     *
     * @throws EventStoreUnavailable when the bucket cannot be written or read
     */
    String place(String prescriptionId, String drug) {
        EntityId.of(prescriptionId); // a valid KV key: ids are subject tokens
        Optional<String> recorded = drugOf(prescriptionId);
        if (recorded.isPresent()) {
            return recorded.get();
        }
        try {
            kv.create(prescriptionId, drug.getBytes(StandardCharsets.UTF_8));
            return remember(prescriptionId, drug);
        } catch (JetStreamApiException e) {
            // most likely created meanwhile by another instance (wrong last sequence): read the winner
            return drugOf(prescriptionId)
                    .orElseThrow(
                            () -> new EventStoreUnavailable("cannot record the placement of " + prescriptionId, e));
        } catch (IOException e) {
            throw new EventStoreUnavailable("cannot record the placement of prescription " + prescriptionId, e);
        }
    }

    /** Closes the directory's connection. */
    @Override
    public void close() throws InterruptedException {
        nats.close();
    }

    private String remember(String prescriptionId, String drug) {
        String first = known.putIfAbsent(prescriptionId, drug);
        return first == null ? drug : first;
    }

    /**
     * An order refused because its id is placed with another drug. The API answers 409 {@code
     * prescription.id-taken}.
     */
    static final class IdTaken extends dev.verdict.decider.DomainRejection {
        private static final long serialVersionUID = 1L;

        /** The code the API answers. */
        static final String CODE = "prescription.id-taken";

        IdTaken(String prescriptionId) {
            super(CODE, "prescription id " + prescriptionId + " was used for another drug before; use another id");
        }
    }
}
