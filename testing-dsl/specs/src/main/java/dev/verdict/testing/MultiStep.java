package dev.verdict.testing;

import dev.verdict.decider.DomainRejection;
import dev.verdict.decider.EntityKey;
import dev.verdict.decider.MultiDecider;
import dev.verdict.decider.Routed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One command of a {@link MultiDecider} run the way the runtime runs it – load every entity it reads from the
 * histories, decide, route – with the structural checks the spec and the laws share: the routing is total, the
 * events are values, and folding the decided events gives the state the runtime loads afterwards.
 */
record MultiStep<C, S, E>(
        C command,
        List<EntityKey> reads,
        S before,
        List<Routed<E>> events,
        Optional<DomainRejection> rejection,
        Optional<Throwable> failure,
        Optional<String> problem,
        S after,
        Map<EntityKey, List<E>> historiesAfter) {

    boolean accepted() {
        return rejection.isEmpty() && failure.isEmpty() && problem.isEmpty();
    }

    static <C, S, E> MultiStep<C, S, E> run(
            MultiDecider<C, S, E> decider, Map<EntityKey, List<E>> histories, C command) {
        List<EntityKey> reads;
        try {
            // the entities the command names, then those chosen from what they hold
            reads = decider.readsGiven(command, entity -> histories.getOrDefault(entity, List.of()));
        } catch (RuntimeException e) {
            return broken(command, List.of(), decider.initialState(), histories, "reads threw " + e, e);
        }
        if (reads == null || reads.isEmpty()) {
            return broken(
                    command,
                    List.of(),
                    decider.initialState(),
                    histories,
                    "reads returned no entity; a decision reads at least the entity it writes",
                    null);
        }
        Set<EntityKey> distinct = new HashSet<>(reads);
        if (distinct.size() != reads.size() || distinct.contains(null)) {
            return broken(
                    command,
                    reads,
                    decider.initialState(),
                    histories,
                    "reads named an entity twice (or null): " + reads,
                    null);
        }
        S before;
        try {
            before = load(decider, command, histories);
        } catch (RuntimeException e) {
            return broken(
                    command,
                    reads,
                    decider.initialState(),
                    histories,
                    "evolve threw while loading the entities read: " + e,
                    e);
        }
        List<Routed<E>> events;
        try {
            events = decider.decide(command, before);
        } catch (DomainRejection r) {
            return new MultiStep<>(
                    command,
                    reads,
                    before,
                    List.of(),
                    Optional.of(r),
                    Optional.empty(),
                    Optional.empty(),
                    before,
                    histories);
        } catch (RuntimeException | AssertionError e) {
            return new MultiStep<>(
                    command,
                    reads,
                    before,
                    List.of(),
                    Optional.empty(),
                    Optional.of(e),
                    Optional.empty(),
                    before,
                    histories);
        }
        if (events == null) {
            return broken(command, reads, before, histories, "decide returned null instead of a list", null);
        }
        for (Routed<E> routed : events) {
            if (routed == null) {
                return broken(command, reads, before, histories, "decide returned a list containing null", null);
            }
            if (!distinct.contains(routed.entity())) {
                return brokenDecision(
                        command,
                        reads,
                        before,
                        events,
                        histories,
                        "the event " + routed.event() + " is routed to " + routed.entity()
                                + ", which the command does not read (reads: " + reads
                                + "); the runtime could not guard that entity's version");
            }
        }
        Map<EntityKey, List<E>> next = new LinkedHashMap<>(histories);
        for (Routed<E> routed : events) {
            List<E> history = new ArrayList<>(next.getOrDefault(routed.entity(), List.of()));
            history.add(routed.event());
            next.put(routed.entity(), List.copyOf(history));
        }
        S folded;
        S reloaded;
        try {
            folded = decider.fold(before, events);
            reloaded = load(decider, command, next);
        } catch (RuntimeException e) {
            return brokenDecision(command, reads, before, events, histories, "evolve threw on a decided event: " + e);
        }
        if (!Objects.equals(folded, reloaded)) {
            return brokenDecision(
                    command,
                    reads,
                    before,
                    events,
                    histories,
                    "folding the decided events in the order decided gives " + folded
                            + ", but loading the entities afterwards (entity by entity, in the order of reads) gives "
                            + reloaded + "; one entity's evolve must not depend on another entity's events");
        }
        return new MultiStep<>(
                command,
                reads,
                before,
                List.copyOf(events),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                reloaded,
                Map.copyOf(next));
    }

    static <C, S, E> S load(MultiDecider<C, S, E> decider, C command, Map<EntityKey, List<E>> histories) {
        return decider.load(command, entity -> histories.getOrDefault(entity, List.of()));
    }

    private static <C, S, E> MultiStep<C, S, E> broken(
            C command, List<EntityKey> reads, S state, Map<EntityKey, List<E>> histories, String why, Throwable t) {
        return new MultiStep<>(
                command,
                reads == null ? List.of() : reads,
                state,
                List.of(),
                Optional.empty(),
                Optional.ofNullable(t),
                Optional.of(why),
                state,
                histories);
    }

    /** A decision whose events break a law: they are kept for the report, the state stays as it was. */
    private static <C, S, E> MultiStep<C, S, E> brokenDecision(
            C command,
            List<EntityKey> reads,
            S before,
            List<Routed<E>> events,
            Map<EntityKey, List<E>> histories,
            String why) {
        return new MultiStep<>(
                command,
                reads,
                before,
                List.copyOf(events),
                Optional.empty(),
                Optional.empty(),
                Optional.of(why),
                before,
                histories);
    }

    /** The events routed to one entity, in order. */
    List<E> eventsFor(EntityKey entity) {
        List<E> mine = new ArrayList<>();
        for (Routed<E> routed : events) {
            if (routed.entity().equals(entity)) {
                mine.add(routed.event());
            }
        }
        return mine;
    }

    String outcome() {
        if (problem.isPresent()) {
            return "broken: " + problem.get();
        }
        if (failure.isPresent()) {
            return "threw " + failure.get();
        }
        return rejection.map(r -> "rejected " + r).orElseGet(() -> String.valueOf(events));
    }
}
