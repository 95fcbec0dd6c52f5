package dev.verdict.decider;

import java.util.List;

/**
 * A pure process manager (saga): it keeps its own state, evolved by the events it observes, and reacts to each
 * event with commands for other deciders. Hosting (consumers, routing commands to entities, deterministic command
 * ids derived from the triggering event so redelivery never issues a command twice) is the runtime's job.
 *
 * <pre>{@code
 * Process<PrescriptionEvent, Set<String>, InventoryCommand> reserveOnVerify = new Process<>() {
 *     public Set<String> initialState() { return Set.of(); }
 *     public Set<String> evolve(Set<String> seen, PrescriptionEvent e) { return seen; }
 *     public List<InventoryCommand> react(Set<String> seen, PrescriptionEvent e) {
 *         return e instanceof PrescriptionVerified v ? List.of(new Reserve(v.drug(), v.quantity())) : List.of();
 *     }
 * };
 * }</pre>
 *
 * @param <E> the events it observes
 * @param <S> its own state
 * @param <C> the commands it issues
 */
public interface Process<E, S, C> {

    /** The state before any event. Never {@code null}. */
    S initialState();

    /** The state after observing the event. Pure. */
    S evolve(S state, E event);

    /**
     * The commands to issue in reaction to the event, given the state before it. Pure; an empty list means no
     * reaction.
     */
    List<C> react(S state, E event);
}
