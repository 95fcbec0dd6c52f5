package dev.verdict.testing;

import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import net.jqwik.api.Arbitrary;

/**
 * Property-based laws every decider should obey, checked on <em>reachable</em> histories: command sequences drawn
 * from your arbitraries and folded through {@code decide}/{@code evolve} from the initial state, rejected commands
 * skipped. Each law is one {@code check…} method taking the command sequence of a jqwik property; on a violation it
 * throws {@link LawViolation}, and jqwik shrinks the sequence to a minimal counter-example.
 *
 * <ul>
 *   <li>{@link #checkInvariants}: every invariant holds in every reachable state;
 *   <li>{@link #checkDeterminism}: the same command on the same state decides equal events (or the same rejection)
 *       twice, {@code evolve} gives equal states twice, and neither mutates its arguments;
 *   <li>{@link #checkTerminalStatesAbsorbing}: a state for which {@code isTerminal} holds decides no events;
 *   <li>{@link #checkSnapshotEquivalence}: a state encoded and decoded as a snapshot equals the original,
 *       and continuing from it decides exactly what continuing from the original does;
 *   <li>{@link #checkIdempotency}: repeating an accepted command you marked idempotent decides nothing and is not
 *       rejected;
 *   <li>every law also fails when {@code decide} or {@code evolve} throws anything but a {@link DomainRejection}.
 * </ul>
 *
 * <pre>{@code
 * class AccountLaws {
 *     static final AccountCodec CODEC = new AccountCodec();
 *     static final DeciderLaws<AccountCommand, Account, AccountEvent> LAWS = DeciderLaws.of(
 *                     BankAccount.DECIDER, DeciderLaws.arbitraryFor(AccountCommand.class))
 *             .invariant("balance is never negative", account -> account.balance() >= 0)
 *             .idempotent(command -> command instanceof Open || command instanceof Close)
 *             .snapshotCodec(CODEC::encode, CODEC::decode);
 *
 *     @Provide
 *     Arbitrary<List<AccountCommand>> histories() {
 *         return LAWS.commandSequences();
 *     }
 *
 *     @Property
 *     void invariantsHold(@ForAll("histories") List<AccountCommand> commands) {
 *         LAWS.checkInvariants(commands);
 *     }
 * }
 * }</pre>
 *
 * <p>Instances are immutable: each configuring method returns a new instance.
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 */
public final class DeciderLaws<C, S, E> {
    /** The default longest command sequence {@link #commandSequences()} generates. */
    public static final int DEFAULT_MAX_COMMANDS = 30;

    private final Decider<C, S, E> decider;
    private final Arbitrary<C> commands;
    private final Map<String, Predicate<? super S>> invariants;
    private final Predicate<? super C> idempotent;
    private final Optional<SnapshotCodec<S>> codec;
    private final int maxCommands;

    private DeciderLaws(
            Decider<C, S, E> decider,
            Arbitrary<C> commands,
            Map<String, Predicate<? super S>> invariants,
            Predicate<? super C> idempotent,
            Optional<SnapshotCodec<S>> codec,
            int maxCommands) {
        this.decider = decider;
        this.commands = commands;
        this.invariants = invariants;
        this.idempotent = idempotent;
        this.codec = codec;
        this.maxCommands = maxCommands;
    }

    /**
     * Laws of a decider whose commands are drawn from the given arbitrary. Build command arbitraries that reach
     * interesting states (small amounts, a few ids) – or derive one with {@link #arbitraryFor(Class)}.
     */
    @SuppressWarnings("unchecked")
    public static <C, S, E> DeciderLaws<C, S, E> of(Decider<C, S, E> decider, Arbitrary<? extends C> commands) {
        Objects.requireNonNull(decider, "decider");
        Objects.requireNonNull(commands, "commands");
        return new DeciderLaws<>(
                decider, (Arbitrary<C>) commands, Map.of(), command -> false, Optional.empty(), DEFAULT_MAX_COMMANDS);
    }

    /**
     * An arbitrary for a sealed interface of records (recursively, with enums and jqwik's defaults for other
     * component types), e.g. all commands of a decider. Values a record's constructor refuses are skipped.
     *
     * <pre>{@code
     * Arbitrary<AccountCommand> commands = DeciderLaws.arbitraryFor(AccountCommand.class);
     * }</pre>
     *
     * @throws IllegalArgumentException for a type that is not a sealed interface, record or enum
     */
    public static <T> Arbitrary<T> arbitraryFor(Class<T> type) {
        return RecordArbitraries.of(Objects.requireNonNull(type, "type"));
    }

    /** Adds a named invariant: a predicate every reachable state must satisfy. */
    public DeciderLaws<C, S, E> invariant(String name, Predicate<? super S> holds) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holds, "holds");
        Map<String, Predicate<? super S>> more = new LinkedHashMap<>(invariants);
        if (more.putIfAbsent(name, holds) != null) {
            throw new IllegalArgumentException("an invariant named '" + name + "' exists already");
        }
        return new DeciderLaws<>(decider, commands, Map.copyOf(more), idempotent, codec, maxCommands);
    }

    /** Marks commands as idempotent: once accepted, deciding the same command again must produce nothing. */
    public DeciderLaws<C, S, E> idempotent(Predicate<? super C> isIdempotent) {
        Objects.requireNonNull(isIdempotent, "isIdempotent");
        return new DeciderLaws<>(decider, commands, invariants, isIdempotent, codec, maxCommands);
    }

    /**
     * How snapshots of the state are written and read, for {@link #checkSnapshotEquivalence}: with the framework's
     * codec, {@code snapshotCodec(codec::encode, codec::decode)}. Two functions rather than the framework's
     * {@code StateCodec}, so that the laws need nothing but the pure API.
     */
    public DeciderLaws<C, S, E> snapshotCodec(
            Function<? super S, byte[]> encode, Function<byte[], ? extends S> decode) {
        Objects.requireNonNull(encode, "encode");
        Objects.requireNonNull(decode, "decode");
        return new DeciderLaws<>(
                decider,
                commands,
                invariants,
                idempotent,
                Optional.of(new SnapshotCodec<>(encode, decode)),
                maxCommands);
    }

    /** The longest command sequence {@link #commandSequences()} generates; {@value #DEFAULT_MAX_COMMANDS} by default. */
    public DeciderLaws<C, S, E> maxCommands(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxCommands must be >= 1, was " + max);
        }
        return new DeciderLaws<>(decider, commands, invariants, idempotent, codec, max);
    }

    /** Whether at least one invariant is configured. */
    public boolean hasInvariants() {
        return !invariants.isEmpty();
    }

    /** Whether a snapshot codec is configured. */
    public boolean hasSnapshotCodec() {
        return codec.isPresent();
    }

    /** Command sequences of 0 to {@code maxCommands} commands, shrinking towards shorter and simpler ones. */
    public Arbitrary<List<C>> commandSequences() {
        return commands.list().ofMinSize(0).ofMaxSize(maxCommands);
    }

    /** The arbitrary of single commands these laws draw from, for properties of your own. */
    public Arbitrary<C> commands() {
        return commands;
    }

    /**
     * Folds the commands through the decider from its initial state, skipping rejected ones.
     *
     * @throws LawViolation when {@code decide} or {@code evolve} throws anything but a {@link DomainRejection}
     */
    public History<C, S, E> replay(List<? extends C> sequence) {
        Objects.requireNonNull(sequence, "sequence");
        S state = decider.initialState();
        List<History.Step<C, S, E>> steps = new ArrayList<>(sequence.size());
        for (C command : sequence) {
            History.Step<C, S, E> step = step(sequence, steps, command, state);
            steps.add(step);
            state = step.after();
        }
        return new History<>(decider.initialState(), steps);
    }

    private History.Step<C, S, E> step(
            List<? extends C> sequence, List<History.Step<C, S, E>> done, C command, S state) {
        List<E> events;
        try {
            events = decider.decide(command, state);
        } catch (DomainRejection r) {
            return new History.Step<>(command, state, List.of(), Optional.of(r), state);
        } catch (RuntimeException e) {
            throw violation("no unexpected exceptions", sequence, done.size(), e)
                    .reason("decide threw " + e + " – a bug, not a rejection (rejections extend DomainRejection)")
                    .on(command, state)
                    .build();
        }
        if (events == null) {
            throw violation("no unexpected exceptions", sequence, done.size(), null)
                    .reason("decide returned null instead of a list")
                    .on(command, state)
                    .build();
        }
        S after = state;
        for (E event : events) {
            try {
                after = decider.evolve(after, event);
            } catch (RuntimeException e) {
                throw violation("evolve accepts decided events", sequence, done.size(), e)
                        .reason("evolve threw " + e + " on the decided event " + event)
                        .on(command, state)
                        .events(events)
                        .build();
            }
        }
        return new History.Step<>(command, state, events, Optional.empty(), after);
    }

    /** Checks that every invariant holds in the initial state and after every step. */
    public void checkInvariants(List<? extends C> sequence) {
        if (invariants.isEmpty()) {
            throw new IllegalStateException("no invariants: add one with invariant(name, predicate)");
        }
        History<C, S, E> history = replay(sequence);
        List<S> states = history.states();
        for (int i = 0; i < states.size(); i++) {
            for (Map.Entry<String, Predicate<? super S>> invariant : invariants.entrySet()) {
                if (!invariant.getValue().test(states.get(i))) {
                    Report r = violation("invariant '" + invariant.getKey() + "'", sequence, i - 1, null)
                            .reason("the invariant '" + invariant.getKey() + "' does not hold");
                    if (i > 0) {
                        History.Step<C, S, E> step = history.steps().get(i - 1);
                        r.on(step.command(), step.before()).events(step.events());
                    }
                    throw r.state("state", states.get(i)).build();
                }
            }
        }
    }

    /**
     * Checks along the reachable history that deciding each command twice on the same state gives equal events
     * (or the same rejection), evolving twice gives equal states, and neither mutates state, command or events.
     */
    public void checkDeterminism(List<? extends C> sequence) {
        History<C, S, E> history = replay(sequence);
        for (int i = 0; i < history.steps().size(); i++) {
            History.Step<C, S, E> step = history.steps().get(i);
            String stateBefore = String.valueOf(step.before());
            String commandBefore = String.valueOf(step.command());
            String eventsBefore = String.valueOf(step.events());
            History.Step<C, S, E> again = step(sequence, history.steps().subList(0, i), step.command(), step.before());
            if (!sameOutcome(step, again)) {
                throw violation("determinism", sequence, i, null)
                        .reason("deciding the same command on the same state twice gave different outcomes")
                        .on(step.command(), step.before())
                        .line("first", outcome(step))
                        .line("second", outcome(again))
                        .build();
            }
            if (!Objects.equals(step.after(), again.after())) {
                throw violation("determinism", sequence, i, null)
                        .reason("evolving the same events on the same state twice gave different states")
                        .on(step.command(), step.before())
                        .events(step.events())
                        .line("first", step.after())
                        .line("second", again.after())
                        .diff(step.after(), again.after())
                        .build();
            }
            if (!stateBefore.equals(String.valueOf(step.before()))
                    || !commandBefore.equals(String.valueOf(step.command()))
                    || !eventsBefore.equals(String.valueOf(step.events()))) {
                throw violation("purity", sequence, i, null)
                        .reason("deciding or evolving again mutated the state, the command or the events")
                        .line("state before", stateBefore)
                        .line("state now", step.before())
                        .line("command before", commandBefore)
                        .line("command now", step.command())
                        .build();
            }
        }
    }

    /** Checks that no command decides events on a state for which {@code isTerminal} holds. */
    public void checkTerminalStatesAbsorbing(List<? extends C> sequence) {
        History<C, S, E> history = replay(sequence);
        for (int i = 0; i < history.steps().size(); i++) {
            History.Step<C, S, E> step = history.steps().get(i);
            if (decider.isTerminal(step.before()) && !step.events().isEmpty()) {
                throw violation("terminal states are absorbing", sequence, i, null)
                        .reason("a command decided events on a terminal state")
                        .on(step.command(), step.before())
                        .events(step.events())
                        .build();
            }
        }
    }

    /**
     * Checks for every reachable state that decoding its encoding gives an equal state, and that continuing the
     * sequence from the decoded state decides and reaches exactly what continuing from the original does.
     */
    public void checkSnapshotEquivalence(List<? extends C> sequence) {
        SnapshotCodec<S> stateCodec = codec.orElseThrow(() -> new IllegalStateException(
                "no snapshot codec: add one with snapshotCodec(codec::encode, codec::decode)"));
        History<C, S, E> history = replay(sequence);
        List<S> states = history.states();
        for (int i = 0; i < states.size(); i++) {
            S original = states.get(i);
            S restored;
            try {
                restored = stateCodec.decode().apply(stateCodec.encode().apply(original));
            } catch (RuntimeException e) {
                throw violation("snapshot equivalence", sequence, i - 1, e)
                        .reason("the codec cannot round-trip the state: " + e)
                        .state("state", original)
                        .build();
            }
            if (!Objects.equals(original, restored)) {
                throw violation("snapshot equivalence", sequence, i - 1, null)
                        .reason("the state decoded from its snapshot differs from the original")
                        .state("original", original)
                        .state("restored", restored)
                        .diff(original, restored)
                        .build();
            }
            S fromOriginal = original;
            S fromRestored = restored;
            for (int j = i; j < sequence.size(); j++) {
                C command = sequence.get(j);
                History.Step<C, S, E> a = step(sequence, List.of(), command, fromOriginal);
                History.Step<C, S, E> b = step(sequence, List.of(), command, fromRestored);
                if (!sameOutcome(a, b) || !Objects.equals(a.after(), b.after())) {
                    throw violation("snapshot equivalence", sequence, j, null)
                            .reason("continuing from the snapshot taken after " + i
                                    + " commands decides differently than continuing from the original state")
                            .on(command, fromOriginal)
                            .line("from the original", outcome(a) + " -> " + a.after())
                            .line("from the snapshot", outcome(b) + " -> " + b.after())
                            .build();
                }
                fromOriginal = a.after();
                fromRestored = b.after();
            }
        }
    }

    /** Checks that each accepted command marked {@linkplain #idempotent idempotent}, repeated, decides nothing. */
    public void checkIdempotency(List<? extends C> sequence) {
        History<C, S, E> history = replay(sequence);
        for (int i = 0; i < history.steps().size(); i++) {
            History.Step<C, S, E> step = history.steps().get(i);
            if (!step.accepted() || !idempotent.test(step.command())) {
                continue;
            }
            History.Step<C, S, E> repeated = step(sequence, history.steps(), step.command(), step.after());
            if (!repeated.accepted() || !repeated.events().isEmpty()) {
                throw violation("idempotency", sequence, i, null)
                        .reason("repeating the idempotent command " + step.command() + " did not decide nothing")
                        .on(step.command(), step.before())
                        .events(step.events())
                        .state("state after the first", step.after())
                        .line("the repetition", outcome(repeated))
                        .build();
            }
        }
    }

    /** Checks every law that is configured: invariants (if any), determinism, terminal states, snapshots (if a
     * codec is given) and idempotency. */
    public void checkAll(List<? extends C> sequence) {
        if (!invariants.isEmpty()) {
            checkInvariants(sequence);
        }
        checkDeterminism(sequence);
        checkTerminalStatesAbsorbing(sequence);
        if (codec.isPresent()) {
            checkSnapshotEquivalence(sequence);
        }
        checkIdempotency(sequence);
    }

    private boolean sameOutcome(History.Step<C, S, E> a, History.Step<C, S, E> b) {
        if (a.rejection().isPresent() || b.rejection().isPresent()) {
            return a.rejection().isPresent()
                    && b.rejection().isPresent()
                    && a.rejection().get().getClass() == b.rejection().get().getClass()
                    && a.rejection().get().code().equals(b.rejection().get().code());
        }
        return a.events().equals(b.events());
    }

    private static String outcome(History.Step<?, ?, ?> step) {
        return step.rejection().map(r -> "rejected " + r).orElseGet(() -> String.valueOf(step.events()));
    }

    private Report violation(String law, List<? extends C> sequence, int stepIndex, Throwable cause) {
        return new Report(law, sequence, stepIndex, cause);
    }

    /** The message of a violation: the law, the whole sequence with the breaking step marked, then details. */
    private static final class Report {
        private final String law;
        private final List<?> sequence;
        private final Throwable cause;
        private final FailureReport text;

        Report(String law, List<?> sequence, int stepIndex, Throwable cause) {
            this.law = law;
            this.sequence = sequence;
            this.cause = cause;
            this.text = FailureReport.headline("Decider law violated: " + law);
            List<String> numbered = new ArrayList<>();
            for (int i = 0; i < sequence.size(); i++) {
                numbered.add((i == stepIndex ? "→ " : "  ") + (i + 1) + ". " + sequence.get(i));
            }
            text.lines(
                    "commands (" + sequence.size() + (stepIndex >= 0 ? ", the law broke at " + (stepIndex + 1) : "")
                            + ")",
                    numbered.isEmpty() ? List.of("(none: the initial state)") : numbered);
        }

        Report reason(String reason) {
            text.line("why", reason);
            return this;
        }

        Report on(Object command, Object state) {
            text.line("state before the command", state).line("command", command);
            return this;
        }

        Report events(List<?> events) {
            text.list("decided", events, "event");
            return this;
        }

        Report state(String label, Object state) {
            text.line(label, state);
            return this;
        }

        Report line(String label, Object value) {
            text.line(label, value);
            return this;
        }

        Report diff(Object expected, Object actual) {
            text.lines("difference", RecordDiff.between(expected, actual));
            return this;
        }

        LawViolation build() {
            return new LawViolation(law, sequence, text.text(), cause);
        }
    }

    private record SnapshotCodec<S>(Function<? super S, byte[]> encode, Function<byte[], ? extends S> decode) {}
}
