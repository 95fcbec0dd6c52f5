package dev.verdict.store;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Where a sharded store puts an entity: its shard is a stable hash of its <em>placement key</em> modulo the shard
 * count. The placement key is an entity reference: by default the entity itself (its category and id); a category
 * can be placed with another entity instead, so that entities decided together – a prescription and the stock of its
 * drug – land on the same shard, where one atomic append can hold them.
 *
 * <p>The hash is FNV-1a (32 bit) over the key's category and then its id, as UTF-8, without separator – the function
 * of projection partitions ({@code Partition.of}) and of NATS's {@code {{partition(n, 2, 3)}}} subject transform over
 * the category and id tokens. It never changes: changing the shard count moves most entities, so the count is fixed
 * when the store is created.
 *
 * <p>A placement has a {@link #name()}, stored with every shard stream: a store created with one placement refuses to
 * open with a placement of another name. Keep the name when the functions stay the same, change it when they change
 * (an entity placed differently could no longer be found). Immutable and thread-safe; the functions must be pure.
 *
 * <pre>{@code
 * ShardPlacement placement = ShardPlacement.named("rx-with-stock")
 *         .placing("prescription", rx -> EntityRef.of("inventory", drugOf(rx.id())));
 * int shard = placement.shardOf(EntityRef.of("prescription", "aspirin~rx-42"), 4); // the shard of inventory/aspirin
 * }</pre>
 */
public final class ShardPlacement {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String DEFAULT_NAME = "entity";

    private final String name;
    private final Map<String, Function<EntityRef, EntityRef>> byCategory;

    private ShardPlacement(String name, Map<String, Function<EntityRef, EntityRef>> byCategory) {
        this.name = name;
        this.byCategory = Map.copyOf(byCategory);
    }

    /** The default placement, named {@code entity}: every entity is its own placement key. */
    public static ShardPlacement byEntity() {
        return new ShardPlacement(DEFAULT_NAME, Map.of());
    }

    /**
     * A placement of the given name that places every entity by itself until categories are {@link #placing placed}
     * otherwise.
     *
     * @param name letters, digits, {@code -} and {@code _}, at most 64
     * @throws IllegalArgumentException when the name has other characters or is empty
     */
    public static ShardPlacement named(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "a placement name has 1..64 letters, digits, '-' or '_', was '" + name + "'");
        }
        return new ShardPlacement(name, Map.of());
    }

    /**
     * This placement with the entities of {@code category} placed with the entity {@code placedWith} returns for
     * them. The function is asked on every append and read of such an entity: it must be fast, and give the same
     * answer for the entity's whole life – from its id alone, or from a lookup whose answer may change only while the
     * entity has no events (a directory entry written once, before the entity's first event, then cached).
     *
     * <p>It runs on the store's calling threads, among them the NATS client's threads that complete asynchronous
     * calls: a lookup must not wait for a reply over the store's own connection there (it would wait for itself) –
     * answer from memory, or look up over a connection of its own (the pharmacy's placement directory does).
     *
     * @throws IllegalArgumentException when the category is placed already
     */
    public ShardPlacement placing(String category, Function<EntityRef, EntityRef> placedWith) {
        Category.of(category);
        Objects.requireNonNull(placedWith, "placedWith");
        if (byCategory.containsKey(category)) {
            throw new IllegalArgumentException("category '" + category + "' is placed already");
        }
        Map<String, Function<EntityRef, EntityRef>> next = new HashMap<>(byCategory);
        next.put(category, placedWith);
        return new ShardPlacement(name, next);
    }

    /** The placement's name, stored with every shard stream as {@code verdict.placement}. */
    public String name() {
        return name;
    }

    /** The entity's placement key: the entity itself, or the entity its category is placed with. */
    public EntityRef keyOf(EntityRef entity) {
        Function<EntityRef, EntityRef> with = byCategory.get(entity.category().value());
        if (with == null) {
            return entity;
        }
        return Objects.requireNonNull(with.apply(entity), () -> "the placement of " + entity + " returned null");
    }

    /**
     * The entity's shard: {@code hash(key) mod shards}, unsigned.
     *
     * @throws IllegalArgumentException when {@code shards} is below 1
     */
    public int shardOf(EntityRef entity, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("a shard count must be at least 1, was " + shards);
        }
        EntityRef key = keyOf(entity);
        return bucket(key.category().value(), key.id().value(), shards);
    }

    /**
     * FNV-1a (32 bit) of {@code category} then {@code id} (UTF-8, no separator) modulo {@code count}, unsigned: the
     * bucket of an entity among {@code count}, as NATS's {@code {{partition(count, …)}}} computes it over those
     * tokens.
     */
    public static int bucket(String category, String id, int count) {
        int hash = 0x811c9dc5;
        hash = fnv1a(hash, category);
        hash = fnv1a(hash, id);
        return (int) (Integer.toUnsignedLong(hash) % count);
    }

    private static int fnv1a(int hash, String token) {
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return hash;
    }

    @Override
    public String toString() {
        return "placement '" + name + "'" + (byCategory.isEmpty() ? "" : " placing " + byCategory.keySet());
    }
}
