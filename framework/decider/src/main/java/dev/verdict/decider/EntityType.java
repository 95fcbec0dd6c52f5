package dev.verdict.decider;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One kind of entity, declared once next to its decider: its category and the decider that decides its commands and
 * folds its events. Everything else names the entity through it – the runtime's registration (which adds the event
 * codec and snapshot settings, {@code Registration.of(type, codec)}), the subject filters of projections ({@code
 * SubjectFilter.category(store, type)}), the entities a {@link MultiDecider} reads ({@link #read}, {@link
 * #chosenRead}) and the keys of single entities ({@link #key}) – so a category is spelled once and a multi-entity
 * decision folds with the very decider instance that is registered (the runtime then shares that entity's cached
 * state and snapshots with the decision).
 *
 * <p>Pure and dependency-free like the rest of this package: the codecs live with the runtime, which is why they are
 * not part of the type. The category follows {@link EntityNames} and is checked here, when the type is declared.
 *
 * <pre>{@code
 * public final class PrescriptionDecider implements Decider<PrescriptionCommand, Prescription, PrescriptionEvent> {
 *     public static final EntityType<PrescriptionCommand, Prescription, PrescriptionEvent> TYPE =
 *             EntityType.of("prescription", new PrescriptionDecider());
 *     ...
 * }
 *
 * PrescriptionDecider.TYPE.key("rx-42");                                   // prescription/rx-42
 * EntityRead<DispenseFill, Prescription, PrescriptionEvent> rx =
 *         PrescriptionDecider.TYPE.read(DispenseFill::prescriptionId);     // for MultiDecider.of(...)
 * runtime.register(Registration.of(PrescriptionDecider.TYPE, PrescriptionEvents.CODEC));
 * }</pre>
 *
 * <p>Two types are equal only when they are the same declaration (identity): two declarations of one category would
 * be two deciders for one entity, which the runtime refuses at registration.
 *
 * @param <C> the command type
 * @param <S> the state type
 * @param <E> the event type
 */
public final class EntityType<C, S, E> {
    private final String category;
    private final Decider<C, S, E> decider;

    private EntityType(String category, Decider<C, S, E> decider) {
        EntityNames.categoryProblem(category).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        this.category = category;
        this.decider = Objects.requireNonNull(decider, "decider");
    }

    /**
     * The entities of {@code category} (1–8 tokens separated by {@code .}, see {@link EntityNames}), decided by
     * {@code decider}.
     *
     * @throws IllegalArgumentException when {@code category} is not a valid category, with the exact reason
     */
    public static <C, S, E> EntityType<C, S, E> of(String category, Decider<C, S, E> decider) {
        return new EntityType<>(category, decider);
    }

    /** The category of these entities, e.g. {@code prescription}. */
    public String category() {
        return category;
    }

    /** The decider of these entities: the instance to register, and the one multi-entity decisions fold with. */
    public Decider<C, S, E> decider() {
        return decider;
    }

    /**
     * The entity of this type with id {@code id}.
     *
     * @throws IllegalArgumentException when {@code id} is not a valid id (one token, see {@link EntityNames})
     */
    public EntityKey key(String id) {
        return EntityKey.of(category, id);
    }

    /**
     * This type as an entity a multi-entity command names by id ({@code idOf}), folded by this type's decider.
     *
     * @param <M> the multi-entity command type
     */
    public <M> EntityRead<M, S, E> read(Function<? super M, String> idOf) {
        return EntityRead.of(category, idOf, decider);
    }

    /**
     * This type as the second entity of a two-entity decision, its id chosen from the command and the first entity's
     * state ({@code choice}; empty: no entity of this type is read), folded by this type's decider.
     *
     * @param <M> the multi-entity command type
     * @param <P> the first entity's state, which the choice reads
     */
    public <M, P> ChosenRead<M, P, S, E> chosenRead(BiFunction<? super M, ? super P, Optional<String>> choice) {
        return ChosenRead.of(category, choice, decider);
    }

    @Override
    public String toString() {
        return "EntityType[" + category + "]";
    }
}
