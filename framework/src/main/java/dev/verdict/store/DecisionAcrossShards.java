package dev.verdict.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A decision over several entities of a sharded store touches entities on different shards: one atomic append cannot
 * span streams (an ADR-50 batch lives in one stream), so the store refuses it <em>before anything is published</em> –
 * nothing was stored, and trying again cannot help. Place entities that are decided together on one shard (a shared
 * placement key, {@link ShardPlacement#placing}), or split the decision into steps (a process manager, a reservation).
 *
 * <pre>{@code
 * try {
 *     store.appendAcross(guards, events, context);
 * } catch (DecisionAcrossShards refused) {
 *     log.error("placed apart: {}", refused.shards()); // {prescription/rx-1=2, inventory/aspirin=0}
 * }
 * }</pre>
 */
public final class DecisionAcrossShards extends EventStoreException {
    private static final long serialVersionUID = 1L;

    private final transient Map<EntityRef, Integer> shards;

    /**
     * @param store the sharded store's name
     * @param shards every entity of the decision (read or written) with its shard, in the decision's order
     */
    public DecisionAcrossShards(StoreName store, Map<EntityRef, Integer> shards) {
        super("a decision over " + describe(shards) + " spans shards of store '" + store
                + "': one atomic append cannot span streams, so nothing was stored; place entities decided together"
                + " on one shard (ShardPlacement.placing) or split the decision");
        this.shards = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(shards));
    }

    /** Every entity of the refused decision with its shard, in the decision's order. */
    public Map<EntityRef, Integer> shards() {
        return shards;
    }

    private static String describe(Map<EntityRef, Integer> shards) {
        return shards.entrySet().stream()
                .map(e -> e.getKey() + " (shard " + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    }
}
