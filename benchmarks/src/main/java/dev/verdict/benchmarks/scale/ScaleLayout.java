package dev.verdict.benchmarks.scale;

import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.benchmarks.domain.Prescriptions;
import dev.verdict.projection.Partition;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsEventHeaders;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.time.Instant;
import java.util.UUID;

/**
 * Where an entity of the scale benchmark lives: category {@value #CATEGORY}, id {@code rx-<i>}; with one shard on the
 * stream {@code <store>}, with N shards on the stream {@code <store>-<k>} where k = {@link Partition#of} (FNV-1a of
 * category and id, modulo N) – the sharded layout of issue 28. Also the one event every entity starts with (a
 * {@code PrescriptionOrdered} with Verdict's headers), as the fill writes it.
 */
final class ScaleLayout {
    static final String CATEGORY = "rx";
    static final Instant AT = Instant.parse("2026-12-07T08:00:00Z");

    final String store;
    final int shards;
    final JsonEventCodec<PrescriptionEvent> codec = JsonEventCodec.of(PrescriptionEvent.class);
    final JsonStateCodec<Prescription> stateCodec = JsonStateCodec.of(Prescription.class);
    final EncodedEvent ordered;
    final Prescription orderedState;

    ScaleLayout(String store, int shards) {
        if (shards < 1 || shards > Partition.MAX_COUNT) {
            throw new IllegalArgumentException("shards must be 1.." + Partition.MAX_COUNT + ", was " + shards);
        }
        this.store = store;
        this.shards = shards;
        PrescriptionEvent first =
                Prescriptions.decide(Prescriptions.order(AT), Prescription.NEW).get(0);
        this.ordered = codec.encode(first);
        this.orderedState = Prescriptions.evolve(Prescription.NEW, first);
    }

    static String id(long i) {
        return "rx-" + i;
    }

    static EntityRef entity(long i) {
        return EntityRef.of(CATEGORY, id(i));
    }

    /** The first entity {@code <prefix>-<j>} (j = 0, 1, ...) that lies on the shard. */
    EntityRef entityOnShard(String prefix, int shard) {
        for (int j = 0; ; j++) {
            EntityRef e = EntityRef.of(CATEGORY, prefix + "-" + j);
            if (shardOf(e) == shard) {
                return e;
            }
        }
    }

    /** The shard of an entity: {@code Partition.of(entity, shards)}, 0 with one shard. */
    int shardOf(EntityRef entity) {
        return shards == 1 ? 0 : Partition.of(entity, shards).index();
    }

    /** The stream (and Verdict store) name of shard k. */
    String stream(int shard) {
        return shards == 1 ? store : store + "-" + shard;
    }

    String streamOf(EntityRef entity) {
        return stream(shardOf(entity));
    }

    String subjectOf(EntityRef entity) {
        return streamOf(entity) + "." + entity.category().value() + "."
                + entity.id().value();
    }

    /**
     * The first event of entity i exactly as {@code NatsEventStore} writes it (its headers), except {@code
     * Nats-Msg-Id}: the fill writes millions of messages within the duplicate window, whose ids the server would keep
     * in memory meanwhile – not what a store at rest holds.
     */
    NatsMessage firstEvent(long i) {
        Headers h = NatsEventHeaders.of(ordered, 0, UUID.randomUUID().toString(), AT, CommandContext.create());
        h.remove(NatsEventHeaders.MSG_ID);
        return NatsMessage.builder()
                .subject(subjectOf(entity(i)))
                .headers(h)
                .data(ordered.payload())
                .build();
    }

    /** The same event with all of Verdict's headers, for a raw guarded append. */
    NatsMessage appendedEvent(EntityRef entity) {
        return NatsMessage.builder()
                .subject(subjectOf(entity))
                .headers(NatsEventHeaders.of(ordered, 0, UUID.randomUUID().toString(), AT, CommandContext.create()))
                .data(ordered.payload())
                .build();
    }
}
