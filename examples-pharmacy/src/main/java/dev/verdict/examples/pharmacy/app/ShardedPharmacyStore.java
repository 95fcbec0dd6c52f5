package dev.verdict.examples.pharmacy.app;

import dev.verdict.store.CommandIndex;
import dev.verdict.store.SnapshotStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.ShardedEventStore;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The pharmacy's store sharded over {@code STORE_SHARDS} streams (only when it is above 1; else Verdict's starter
 * provisions the one stream {@code pharmacy}, its snapshot bucket and command index, as before): a {@link
 * ShardedEventStore} placing each prescription with its drug's stock through the {@link PrescriptionPlacements}
 * directory, and its per-shard snapshot buckets and command indexes. The starter's runtime is built on these beans
 * (its own back off).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(StoreShards.Sharded.class)
class ShardedPharmacyStore {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedPharmacyStore.class);

    /**
     * The placement directory, bucket {@code <store>-placements}, as durable as the store, on a connection of its own
     * (see {@link PrescriptionPlacements#open}).
     */
    @Bean(destroyMethod = "close")
    PrescriptionPlacements prescriptionPlacements(PharmacySettings settings, NatsEventStoreConfig store) {
        Connection own = PharmacyConfiguration.connect(settings, "verdict-pharmacy-placements");
        try {
            return PrescriptionPlacements.open(own, store.storeName().value(), store.replicas());
        } catch (IOException | JetStreamApiException e) {
            try {
                own.close();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw new PharmacyStartFailure("cannot open the placement directory "
                    + PrescriptionPlacements.bucketOf(store.storeName().value()) + ": " + e.getMessage());
        }
    }

    /**
     * The store over {@code STORE_SHARDS} streams, created (or checked: another shard count or placement, a plain
     * stream {@code pharmacy} beside it, is refused) at start.
     */
    @Bean
    ShardedEventStore pharmacyShardedStore(
            Connection nats, NatsEventStoreConfig store, StoreShards shards, PrescriptionPlacements placements) {
        LOG.info("store {} sharded over {} streams (STORE_SHARDS)", store.storeName(), shards.count());
        return ShardedEventStore.builder(nats, store)
                .shards(shards.count())
                .placement(placements.placement())
                .build();
    }

    /** Snapshots in each entity's shard's bucket ({@code <store>-<k>-snapshots}). */
    @Bean
    SnapshotStore pharmacyShardedSnapshots(ShardedEventStore store) {
        return store.createSnapshotStore();
    }

    /** Command ids in each entity's shard's bucket ({@code <store>-<k>-commands}). */
    @Bean
    CommandIndex pharmacyShardedCommandIndex(ShardedEventStore store) {
        return store.createCommandIndex();
    }
}
