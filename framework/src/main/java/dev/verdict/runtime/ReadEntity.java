package dev.verdict.runtime;

import dev.verdict.decider.Decider;
import dev.verdict.decider.EntityKey;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;

/** One entity the command reads, and what the runtime knows of it. */
final class ReadEntity {
    final EntityKey key;
    final EntityRef ref;
    final Registration<?, Object, Object> entityRegistration;
    /** Folded by the entity's own decider (shared with its cache), or else a list of its decoded events. */
    final boolean ownState;

    /** Chosen from what the named entities hold ({@code MultiDecider.readsAfter}), not named by the command. */
    boolean chosen;

    KnownState<Object> known;
    boolean confirmed;

    ReadEntity(EntityKey key, EntityRef ref, Registration<?, Object, Object> entityRegistration, boolean ownState) {
        this.key = key;
        this.ref = ref;
        this.entityRegistration = entityRegistration;
        this.ownState = ownState;
    }

    EventCodec<Object> codec() {
        return entityRegistration.eventCodec();
    }

    Decider<?, Object, Object> entityDecider() {
        return entityRegistration.decider();
    }
}
