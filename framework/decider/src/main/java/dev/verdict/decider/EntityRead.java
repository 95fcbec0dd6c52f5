package dev.verdict.decider;

import java.util.Objects;
import java.util.function.Function;

/**
 * One entity a two-entity {@link MultiDecider} reads: its category, how the command names its id, and how its own
 * events fold into its state – taken from the entity's ordinary {@link Decider}, so the state of a prescription in a
 * multi-entity decision is exactly the state its own decider sees.
 *
 * <p>Usually made by the entity's {@link EntityType}, which spells the category once and reads with the registered
 * decider: {@code PrescriptionDecider.TYPE.read(DispenseFill::prescriptionId)}.
 *
 * <pre>{@code
 * EntityRead<DispenseFill, Prescription, PrescriptionEvent> prescription =
 *         EntityRead.of("prescription", DispenseFill::prescriptionId, Prescriptions.DECIDER);
 * prescription.keyOf(new DispenseFill("rx-1", "aspirin", 5));   // prescription/rx-1
 * }</pre>
 *
 * @param <C> the multi-entity command type
 * @param <S> the entity's state type
 * @param <E> the entity's event type
 */
public final class EntityRead<C, S, E> {
    private final String category;
    private final Function<? super C, String> id;
    private final Decider<?, S, E> decider;

    private EntityRead(String category, Function<? super C, String> id, Decider<?, S, E> decider) {
        EntityKey.of(Objects.requireNonNull(category, "category"), "probe");
        this.category = category;
        this.id = Objects.requireNonNull(id, "id");
        this.decider = Objects.requireNonNull(decider, "decider");
    }

    /**
     * The entity of {@code category} whose id the command names, folded by {@code decider}'s {@code initialState}
     * and {@code evolve}.
     */
    public static <C, S, E> EntityRead<C, S, E> of(
            String category, Function<? super C, String> id, Decider<?, S, E> decider) {
        return new EntityRead<>(category, id, decider);
    }

    /** The category of the entity. */
    public String category() {
        return category;
    }

    /** The entity this command reads. */
    public EntityKey keyOf(C command) {
        return EntityKey.of(category, id.apply(command));
    }

    /** The entity's own decider, whose {@code initialState} and {@code evolve} fold its events. */
    public Decider<?, S, E> decider() {
        return decider;
    }

    /** The entity's state before its first event. */
    public S initialState() {
        return decider.initialState();
    }

    /** The entity's state after one of its events. */
    public S evolve(S state, E event) {
        return decider.evolve(state, event);
    }
}
