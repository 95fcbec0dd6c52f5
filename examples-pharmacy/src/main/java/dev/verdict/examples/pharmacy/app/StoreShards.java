package dev.verdict.examples.pharmacy.app;

import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.ShardedEventStore;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * How many streams the pharmacy's store is sharded over: {@code STORE_SHARDS} (an environment variable or a system
 * property), 1 – the default – for today's one stream {@code pharmacy}, or 2 to {@value ShardedEventStore#MAX_SHARDS}
 * for a {@link ShardedEventStore} ({@code pharmacy-0} …; docs/scaling.md, "The pharmacy"). Fixed when the store is
 * created: every instance must use the same value, and an instance with another one refuses to start.
 *
 * @param count the number of shards, 1 when unsharded
 */
record StoreShards(int count) {
    /** The setting's name. */
    static final String SETTING = "STORE_SHARDS";

    StoreShards {
        if (count < 1 || count > ShardedEventStore.MAX_SHARDS) {
            throw new IllegalArgumentException("shards must be 1-" + ShardedEventStore.MAX_SHARDS + ", was " + count);
        }
    }

    /**
     * The shards a setting asks for: blank means 1.
     *
     * @throws PharmacyStartFailure when the setting is not a number from 1 to {@value ShardedEventStore#MAX_SHARDS}
     */
    static StoreShards parse(String setting) {
        String s = setting.trim();
        if (s.isEmpty()) {
            return new StoreShards(1);
        }
        try {
            int count = Integer.parseInt(s);
            if (count >= 1 && count <= ShardedEventStore.MAX_SHARDS) {
                return new StoreShards(count);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new PharmacyStartFailure(SETTING + " must be a number from 1 (one stream, the default) to "
                + ShardedEventStore.MAX_SHARDS + ", the same on every instance; was '" + setting + "'");
    }

    /** The shards the environment asks for ({@link #parse}). */
    static StoreShards of(Environment environment) {
        return parse(environment.getProperty(SETTING, ""));
    }

    /** Whether the store is sharded (more than one shard). */
    boolean sharded() {
        return count > 1;
    }

    /**
     * The store (or shard store) whose stream holds shard {@code shard}'s events: the store itself when unsharded,
     * else {@code <store>-<shard>}.
     */
    StoreName storeOf(NatsEventStoreConfig store, int shard) {
        return sharded() ? ShardedEventStore.shardConfig(store, shard).storeName() : store.storeName();
    }

    /** Matches when {@code STORE_SHARDS} asks for a sharded store; an invalid setting is refused by the bean. */
    static final class Sharded implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            try {
                return of(context.getEnvironment()).sharded();
            } catch (PharmacyStartFailure invalid) {
                return false; // the StoreShards bean fails the start with the message
            }
        }
    }
}
