package dev.verdict.decider;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The second entity of a two-entity {@link MultiDecider} when the command does not name it: its id is chosen from the
 * first entity's state – the drug's stock of the prescription being dispensed. The runtime reads the first entity,
 * asks this read which entity comes next, reads that one too, and guards <b>both</b> in the decision's one atomic
 * append: when the first entity changes (another drug), the choice is made again on its new state. Pure, like every
 * part of a decider: the choice depends on the command and the first entity's state only.
 *
 * <p>Usually made by the entity's {@link EntityType}: {@code InventoryDecider.TYPE.chosenRead((fill, prescription) ->
 * ...)}.
 *
 * <pre>{@code
 * ChosenRead<DispenseFill, Prescription, Stock, StockEvent> stock = ChosenRead.of(
 *         "inventory", (fill, prescription) -> prescription.drug(), Inventories.DECIDER);
 * stock.keyOf(fill, prescription);   // Optional[inventory/aspirin]; empty: nothing more is read
 * }</pre>
 *
 * @param <C> the multi-entity command type
 * @param <P> the first entity's state, which the choice reads
 * @param <S> this entity's state type
 * @param <E> this entity's event type
 */
public final class ChosenRead<C, P, S, E> {
    private final String category;
    private final BiFunction<? super C, ? super P, Optional<String>> id;
    private final Decider<?, S, E> decider;

    private ChosenRead(
            String category, BiFunction<? super C, ? super P, Optional<String>> id, Decider<?, S, E> decider) {
        EntityKey.of(Objects.requireNonNull(category, "category"), "probe");
        this.category = category;
        this.id = Objects.requireNonNull(id, "id");
        this.decider = Objects.requireNonNull(decider, "decider");
    }

    /**
     * The entity of {@code category} whose id {@code id} chooses from the command and the first entity's state (empty:
     * no second entity is read, the decision sees its initial state and may route no event to it), folded by {@code
     * decider}'s {@code initialState} and {@code evolve}.
     */
    public static <C, P, S, E> ChosenRead<C, P, S, E> of(
            String category, BiFunction<? super C, ? super P, Optional<String>> id, Decider<?, S, E> decider) {
        return new ChosenRead<>(category, id, decider);
    }

    /** The category of the entity. */
    public String category() {
        return category;
    }

    /** The entity this command reads after the first one, given the first one's state; empty when none. */
    public Optional<EntityKey> keyOf(C command, P first) {
        return Objects.requireNonNull(id.apply(command, first), "the choice of a ChosenRead returned null")
                .map(chosen -> EntityKey.of(category, chosen));
    }

    /** The entity's own decider, whose {@code initialState} and {@code evolve} fold its events. */
    public Decider<?, S, E> decider() {
        return decider;
    }
}
