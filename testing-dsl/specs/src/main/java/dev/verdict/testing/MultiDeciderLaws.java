package dev.verdict.testing;

import dev.verdict.decider.EntityKey;
import dev.verdict.decider.MultiDecider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import net.jqwik.api.Arbitrary;

/**
 * Property-based laws for a {@link MultiDecider}, checked on reachable histories: command sequences drawn from your
 * arbitrary, each decided on the state loaded from the entities it reads and its events appended to the entities
 * they are routed to – as the runtime does – rejected commands skipped. On a violation a {@code check…} method
 * throws {@link LawViolation} and jqwik shrinks the sequence.
 *
 * <ul>
 *   <li>{@link #checkRouting}: {@code reads} names at least one entity and none twice, and every decided event is
 *       routed to an entity the command reads (reading an entity that has no events is how a decision creates it);
 *   <li>{@link #checkConsistency}: folding the decided events onto the state in the order decided gives the state
 *       the runtime loads afterwards entity by entity (what a retry after a conflict or a restart sees);
 *   <li>{@link #checkDeterminism}: the same command on the same histories decides equal routed events (or the same
 *       rejection) twice;
 *   <li>{@link #checkInvariants}: every invariant holds on the state after every accepted command;
 *   <li>every law also fails when {@code reads}, {@code decide} or {@code evolve} throws anything but a {@code
 *       DomainRejection}.
 * </ul>
 *
 * <pre>{@code
 * static final MultiDeciderLaws<PharmacyCommand, CombinedState<Prescription, Stock>, Object> LAWS =
 *         MultiDeciderLaws.of(PHARMACY, commands())
 *                 .invariant("stock never negative", state -> state.second().onHand() >= 0);
 *
 * @Property
 * void lawsHold(@ForAll("histories") List<PharmacyCommand> commands) {
 *     LAWS.checkAll(commands);
 * }
 * }</pre>
 *
 * <p>Instances are immutable: each configuring method returns a new instance.
 *
 * @param <C> command type
 * @param <S> combined state type
 * @param <E> event type
 */
public final class MultiDeciderLaws<C, S, E> {
    private final MultiDecider<C, S, E> decider;
    private final Arbitrary<C> commands;
    private final Map<String, Predicate<? super S>> invariants;
    private final int maxCommands;

    private MultiDeciderLaws(
            MultiDecider<C, S, E> decider,
            Arbitrary<C> commands,
            Map<String, Predicate<? super S>> invariants,
            int maxCommands) {
        this.decider = decider;
        this.commands = commands;
        this.invariants = invariants;
        this.maxCommands = maxCommands;
    }

    /** Laws of a multi-entity decider whose commands are drawn from the given arbitrary (a few ids reach more). */
    @SuppressWarnings("unchecked")
    public static <C, S, E> MultiDeciderLaws<C, S, E> of(
            MultiDecider<C, S, E> decider, Arbitrary<? extends C> commands) {
        return new MultiDeciderLaws<>(
                Objects.requireNonNull(decider, "decider"),
                (Arbitrary<C>) Objects.requireNonNull(commands, "commands"),
                Map.of(),
                DeciderLaws.DEFAULT_MAX_COMMANDS);
    }

    /** Adds a named invariant every state after an accepted command must satisfy. */
    public MultiDeciderLaws<C, S, E> invariant(String name, Predicate<? super S> holds) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holds, "holds");
        Map<String, Predicate<? super S>> more = new LinkedHashMap<>(invariants);
        if (more.putIfAbsent(name, holds) != null) {
            throw new IllegalArgumentException("an invariant named '" + name + "' exists already");
        }
        return new MultiDeciderLaws<>(decider, commands, Map.copyOf(more), maxCommands);
    }

    /** The longest command sequence {@link #commandSequences()} generates. */
    public MultiDeciderLaws<C, S, E> maxCommands(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxCommands must be >= 1, was " + max);
        }
        return new MultiDeciderLaws<>(decider, commands, invariants, max);
    }

    /** Command sequences of 0 to {@code maxCommands} commands, shrinking towards shorter and simpler ones. */
    public Arbitrary<List<C>> commandSequences() {
        return commands.list().ofMinSize(0).ofMaxSize(maxCommands);
    }

    /**
     * Runs the commands as the runtime would, returning every entity's history at the end.
     *
     * @throws LawViolation on the first broken routing or consistency law, or an unexpected exception
     */
    public Map<EntityKey, List<E>> replay(List<? extends C> sequence) {
        List<MultiStep<C, S, E>> steps = steps(sequence, "routing");
        return steps.isEmpty() ? Map.of() : steps.get(steps.size() - 1).historiesAfter();
    }

    /** Checks that every decided event is routed to an entity the command reads, and that reads is sound. */
    public void checkRouting(List<? extends C> sequence) {
        steps(sequence, "routing");
    }

    /** Checks that folding the decided events equals loading the entities afterwards, after every command. */
    public void checkConsistency(List<? extends C> sequence) {
        steps(sequence, "consistency");
    }

    /** Checks that deciding each command twice on the same histories gives the same outcome. */
    public void checkDeterminism(List<? extends C> sequence) {
        Map<EntityKey, List<E>> histories = Map.of();
        for (int i = 0; i < sequence.size(); i++) {
            C command = sequence.get(i);
            MultiStep<C, S, E> first = checked(sequence, i, MultiStep.run(decider, histories, command), "determinism");
            MultiStep<C, S, E> second = MultiStep.run(decider, histories, command);
            if (!first.outcome().equals(second.outcome())) {
                throw new Report("determinism", sequence, i)
                        .line("why", "deciding the same command on the same histories twice gave different outcomes")
                        .line("first", first.outcome())
                        .line("second", second.outcome())
                        .build(null);
            }
            histories = first.historiesAfter();
        }
    }

    /** Checks every invariant on the state after every accepted command (and on the first loaded state). */
    public void checkInvariants(List<? extends C> sequence) {
        if (invariants.isEmpty()) {
            throw new IllegalStateException("no invariants: add one with invariant(name, predicate)");
        }
        List<MultiStep<C, S, E>> steps = steps(sequence, "invariants");
        for (int i = 0; i < steps.size(); i++) {
            MultiStep<C, S, E> step = steps.get(i);
            for (Map.Entry<String, Predicate<? super S>> invariant : invariants.entrySet()) {
                if (!invariant.getValue().test(step.after())) {
                    throw new Report("invariant '" + invariant.getKey() + "'", sequence, i)
                            .line("why", "the invariant '" + invariant.getKey() + "' does not hold after the command")
                            .line("state before the command", step.before())
                            .line("decided", step.events())
                            .line("state after", step.after())
                            .build(null);
                }
            }
        }
    }

    /** Checks routing, consistency, determinism and – if any are configured – the invariants. */
    public void checkAll(List<? extends C> sequence) {
        checkRouting(sequence);
        checkDeterminism(sequence);
        if (!invariants.isEmpty()) {
            checkInvariants(sequence);
        }
    }

    private List<MultiStep<C, S, E>> steps(List<? extends C> sequence, String law) {
        Objects.requireNonNull(sequence, "sequence");
        List<MultiStep<C, S, E>> steps = new ArrayList<>(sequence.size());
        Map<EntityKey, List<E>> histories = Map.of();
        for (int i = 0; i < sequence.size(); i++) {
            MultiStep<C, S, E> step = checked(sequence, i, MultiStep.run(decider, histories, sequence.get(i)), law);
            steps.add(step);
            histories = step.historiesAfter();
        }
        return steps;
    }

    private MultiStep<C, S, E> checked(List<? extends C> sequence, int i, MultiStep<C, S, E> step, String law) {
        if (step.problem().isPresent()) {
            String broken = step.problem().get().contains("folding the decided events") ? "consistency" : "routing";
            throw new Report(broken, sequence, i)
                    .line("why", step.problem().get())
                    .line("reads", step.reads())
                    .line("state before the command", step.before())
                    .line("decided", step.events())
                    .build(step.failure().orElse(null));
        }
        if (step.failure().isPresent()) {
            throw new Report("no unexpected exceptions", sequence, i)
                    .line(
                            "why",
                            "decide threw " + step.failure().get()
                                    + " – a bug, not a rejection (rejections extend DomainRejection)")
                    .line("reads", step.reads())
                    .line("state before the command", step.before())
                    .build(step.failure().get());
        }
        return step;
    }

    /** The message of a violation: the law, the whole sequence with the breaking step marked, then details. */
    private static final class Report {
        private final String law;
        private final List<?> sequence;
        private final FailureReport text;

        Report(String law, List<?> sequence, int stepIndex) {
            this.law = law;
            this.sequence = sequence;
            this.text = FailureReport.headline("Multi-entity decider law violated: " + law);
            List<String> numbered = new ArrayList<>();
            for (int i = 0; i < sequence.size(); i++) {
                numbered.add((i == stepIndex ? "→ " : "  ") + (i + 1) + ". " + sequence.get(i));
            }
            text.lines("commands (" + sequence.size() + ", the law broke at " + (stepIndex + 1) + ")", numbered);
        }

        Report line(String label, Object value) {
            text.line(label, value);
            return this;
        }

        LawViolation build(Throwable cause) {
            return new LawViolation(law, sequence, text.text(), cause);
        }
    }
}
