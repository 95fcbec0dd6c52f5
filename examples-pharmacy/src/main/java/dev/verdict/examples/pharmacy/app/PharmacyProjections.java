package dev.verdict.examples.pharmacy.app;

import dev.verdict.examples.pharmacy.Inventory;
import dev.verdict.examples.pharmacy.InventoryCommand;
import dev.verdict.examples.pharmacy.InventoryDecider;
import dev.verdict.examples.pharmacy.InventoryEvent;
import dev.verdict.examples.pharmacy.InventoryEvents;
import dev.verdict.examples.pharmacy.PharmacyProcess;
import dev.verdict.examples.pharmacy.PharmacyProcessStateCodec;
import dev.verdict.examples.pharmacy.PrescriptionDecider;
import dev.verdict.examples.pharmacy.PrescriptionEvents;
import dev.verdict.projection.process.CommandRouter;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.projection.timers.TimerReactions;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.spring.VerdictProjection;
import dev.verdict.store.ProcessStates;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.TimerFiredCodec;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsTimers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pharmacy projects from its events, per shard of its store ({@link StoreShards}; one "shard", the store
 * itself, when unsharded): the read model {@link PatientPrescriptions}, the stock-reorder process manager {@link
 * PharmacyProcess} with its follow-up timers, and the scheduling of the prescriptions' expiry timers – one of each per
 * shard stream, as {@code ShardedProjections} runs them (docs/scaling.md), named {@code <name>-<k>} when sharded and
 * as in earlier releases when not. The expiry timers' reactions run once, on the store's one timers stream.
 *
 * <p>The starter runs the list ({@code ProjectionRunners}, with its tracing and metrics decorators and health). Order
 * holds per entity (an entity's events are on one shard) and per shard; nothing is ordered across shards – a drug's
 * stock events all reach the one process of its shard, so the reorder process sees them in order.
 */
final class PharmacyProjections {
    private static final Logger LOG = LoggerFactory.getLogger(PharmacyProjections.class);

    /** The stock-reorder process's name on an unsharded store; shard k's is {@code stock-reorder-<k>}. */
    static final String PROCESS = "stock-reorder";

    private PharmacyProjections() {}

    /**
     * The projections of the store's shards.
     *
     * @param states the process states' bucket, shared by the shards' processes (entries are per process name)
     * @param followUpAfter when the reorder process follows a reorder up
     */
    static List<VerdictProjection<?>> of(
            NatsEventStoreConfig store,
            StoreShards shards,
            PatientPrescriptions readModel,
            NatsTimers timers,
            ProcessStates states,
            Duration followUpAfter,
            EntityHandle<InventoryCommand, Inventory, InventoryEvent> inventory,
            VerdictProjection<?> expiryReactions) {
        List<VerdictProjection<?>> all = new ArrayList<>();
        for (int k = 0; k < shards.count(); k++) {
            StoreName shard = shards.storeOf(store, k);
            String suffix = shards.sharded() ? "-" + k : "";
            all.add(VerdictProjection.of(
                    readModel.projection(k), shard, PrescriptionDecider.TYPE, PrescriptionEvents.CODEC));
            ProcessProjection<InventoryEvent, PharmacyProcess.ReorderState, InventoryCommand> reorder =
                    stockReorder(PROCESS + suffix, states, timers, followUpAfter, inventory);
            all.add(VerdictProjection.of(reorder, shard, InventoryDecider.TYPE, InventoryEvents.CODEC));
            // the follow-up timers of this shard's process, delivered to their drug's instance when they fall due
            all.add(VerdictProjection.of(
                    reorder.timerInputs(),
                    TimerReactions.filter(store.storeName(), reorder.name()),
                    TimerFiredCodec.INSTANCE));
            all.add(VerdictProjection.of(
                    PrescriptionExpiry.scheduling(timers, PrescriptionExpiry.SCHEDULING + suffix),
                    shard,
                    PrescriptionDecider.TYPE,
                    PrescriptionEvents.CODEC));
        }
        all.add(expiryReactions);
        return List.copyOf(all);
    }

    /**
     * A stock-reorder process manager's host: one state per drug with a reorder awaiting stock, its follow-up timers
     * in the store's timers. Store outages and exhausted conflict retries of its commands are retried by the host
     * (never dead-lettered); a rejection is the stock's answer: logged, and the process goes on. Its commands carry
     * the triggering event's trace on.
     */
    private static ProcessProjection<InventoryEvent, PharmacyProcess.ReorderState, InventoryCommand> stockReorder(
            String name,
            ProcessStates states,
            NatsTimers timers,
            Duration followUpAfter,
            EntityHandle<InventoryCommand, Inventory, InventoryEvent> inventory) {
        return ProcessProjection.builder(
                        states,
                        name,
                        new PharmacyProcess(
                                PharmacyProcess.DEFAULT_THRESHOLD, PharmacyProcess.DEFAULT_QUANTITY, followUpAfter),
                        PharmacyProcessStateCodec.INSTANCE,
                        CommandRouter.to(InventoryDecider.TYPE, InventoryCommand::drug),
                        // sent while the event's apply is observed: the runtime's tracing interceptor
                        // continues the event's trace into the reorder's events
                        (target, command, context) -> {
                            Outcome<Inventory, InventoryEvent> outcome =
                                    inventory.handle(target.id().value(), command, context);
                            if (outcome instanceof Outcome.Rejected<Inventory, InventoryEvent> rejected) {
                                LOG.warn(
                                        "stock reorder: {} refused {}: {}",
                                        target,
                                        command,
                                        rejected.rejection().getMessage());
                            }
                        })
                .timers(timers)
                .build();
    }
}
