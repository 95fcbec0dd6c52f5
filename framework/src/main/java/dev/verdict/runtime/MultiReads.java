package dev.verdict.runtime;

import dev.verdict.decider.EntityKey;
import dev.verdict.decider.EntityStates;
import dev.verdict.decider.MultiDecider;
import dev.verdict.store.Category;
import dev.verdict.store.EntityRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which entities a decision over several entities reads: those its command names ({@link MultiDecider#reads}), then
 * those chosen from what they hold ({@link MultiDecider#readsAfter}) – each checked against the decider's contract and
 * the runtime's registrations, and known as a {@link ReadEntity}.
 */
final class MultiReads<C, S, E> {
    private final Category name;
    private final MultiDecider<C, S, E> decider;
    private final Optional<EntityStates<S>> entityStates;
    private final PipelineDependencies dependencies;

    MultiReads(
            Category name,
            MultiDecider<C, S, E> decider,
            Optional<EntityStates<S>> entityStates,
            PipelineDependencies dependencies) {
        this.name = name;
        this.decider = decider;
        this.entityStates = entityStates;
        this.dependencies = dependencies;
    }

    /** The entities the command names, in order (folded by their own deciders when all of them can be). */
    List<ReadEntity> named(C command) {
        List<EntityKey> keys = Objects.requireNonNull(
                decider.reads(command), () -> "the multi-entity decider '" + name + "' returned null reads");
        if (keys.isEmpty()) {
            throw new IllegalStateException("the multi-entity decider '" + name + "' reads no entity for " + command);
        }
        return parts(keys, Set.of(), Optional.empty());
    }

    /**
     * The entities chosen after the named ones, given the state folded from those ({@code named} parts): checked,
     * each folded like the named ones.
     */
    List<EntityKey> chosenKeys(C command, S namedState) {
        return Objects.requireNonNull(
                decider.readsAfter(command, namedState),
                () -> "the multi-entity decider '" + name + "' returned null readsAfter");
    }

    /** Parts for the chosen keys: none read before, folded as the named parts are ({@code ownState}). */
    List<ReadEntity> chosen(List<EntityKey> keys, List<ReadEntity> named, boolean ownState) {
        Set<EntityKey> before = new HashSet<>();
        for (ReadEntity part : named) {
            before.add(part.key);
        }
        List<ReadEntity> parts = parts(keys, before, Optional.of(ownState));
        for (ReadEntity part : parts) {
            part.chosen = true;
        }
        return parts;
    }

    @SuppressWarnings("unchecked")
    private List<ReadEntity> parts(List<EntityKey> keys, Set<EntityKey> before, Optional<Boolean> ownState) {
        Set<EntityKey> seen = new HashSet<>(before);
        boolean allOwn = entityStates.isPresent();
        List<Registration<?, Object, Object>> registrations = new ArrayList<>(keys.size());
        for (EntityKey key : keys) {
            if (!seen.add(Objects.requireNonNull(key, "an entity read is null"))) {
                throw new IllegalStateException("the multi-entity decider '" + name + "' reads " + key + " twice");
            }
            Category category = Category.of(key.category());
            Registration<?, ?, ?> registered = dependencies
                    .registration(category)
                    .orElseThrow(() -> new IllegalStateException("the decision '" + name + "' reads " + key
                            + ", but category '" + key.category() + "' is not registered with the runtime: register"
                            + " it (its codec and decider) before handling commands over several entities"));
            Registration<?, Object, Object> entityRegistration = (Registration<?, Object, Object>) registered;
            registrations.add(entityRegistration);
            if (allOwn && entityStates.get().deciderOf(key) != entityRegistration.decider()) {
                allOwn = false;
            }
        }
        if (ownState.isPresent() && ownState.get() && !allOwn) {
            throw new IllegalStateException("the decision '" + name + "' chose to read " + keys + ", but its decider"
                    + " for them is not the instance registered for their category: register the same decider"
                    + " instance");
        }
        boolean own = ownState.orElse(allOwn);
        List<ReadEntity> parts = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            EntityKey key = keys.get(i);
            EntityRef ref = EntityRef.of(key);
            parts.add(new ReadEntity(key, ref, registrations.get(i), own));
        }
        return parts;
    }

    /**
     * The entities a command is serialized on inside this runtime (locks for {@code handle}, turns for {@code
     * handleAsync}): those it names, and those its decider would choose from their cached states – in the steady state
     * (named entities cached, the choice unchanged) exactly the entities it reads, so commands of one runtime on a
     * chosen entity (dispenses of one drug) queue instead of conflicting. A choice not predicted (entities not cached,
     * or changed meanwhile) is still guarded by its version in the append.
     */
    List<EntityRef> serializedOn(List<ReadEntity> named, C command) {
        List<EntityRef> refs = new ArrayList<>(named.size() + 1);
        for (ReadEntity part : named) {
            refs.add(part.ref);
        }
        List<Object> states = new ArrayList<>(named.size());
        for (ReadEntity part : named) {
            Optional<KnownState<Object>> cached =
                    part.ownState ? dependencies.cache().get(part.ref) : Optional.empty();
            if (cached.isEmpty()) {
                return refs;
            }
            states.add(cached.get().state());
        }
        List<EntityKey> chosen = chosenKeys(command, entityStates.orElseThrow().compose(states));
        for (EntityKey key : chosen) {
            EntityRef ref = EntityRef.of(key);
            if (!refs.contains(ref)) {
                refs.add(ref);
            }
        }
        return refs;
    }
}
