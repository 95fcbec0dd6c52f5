package dev.verdict.runtime;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * When the runtime saves a snapshot of an entity's state after a successful append. Snapshots are written
 * asynchronously, after the command has returned its outcome; a failed write is logged and counted and never fails a
 * command. A registration without a {@link dev.verdict.store.StateCodec}, or a runtime without a snapshot store,
 * never writes snapshots whatever its policy.
 *
 * <pre>{@code
 * SnapshotPolicy.<Prescription>everyEvents(100);              // the default, together with onTerminal()
 * SnapshotPolicy.<Prescription>onTerminal();                  // once, when the entity can no longer change
 * SnapshotPolicy.<Prescription>when(rx -> rx.lines().size() > 50);
 * SnapshotPolicy.<Prescription>everyEvents(500).or(SnapshotPolicy.onTerminal());
 * SnapshotPolicy.<Prescription>never();
 * }</pre>
 *
 * @param <S> the state type
 */
@FunctionalInterface
public interface SnapshotPolicy<S> {

    /** Events since the last snapshot after which {@link #defaults()} writes one. */
    int DEFAULT_EVERY_EVENTS = 100;

    /**
     * Whether to snapshot the state just reached.
     *
     * @param state the entity's state after the append
     * @param version the entity's version after the append
     * @param eventsSinceSnapshot events folded since the last snapshot this process read or wrote (all events when
     *     there is none)
     * @param terminal whether the decider says the state is terminal
     */
    boolean shouldSnapshot(S state, long version, long eventsSinceSnapshot, boolean terminal);

    /** Snapshot once at least {@code events} events were folded since the last snapshot. */
    static <S> SnapshotPolicy<S> everyEvents(int events) {
        if (events < 1) {
            throw new IllegalArgumentException("events must be >= 1, was " + events);
        }
        return (state, version, since, terminal) -> since >= events;
    }

    /** Snapshot when the entity reaches a terminal state, so loading it never reads its history again. */
    static <S> SnapshotPolicy<S> onTerminal() {
        return (state, version, since, terminal) -> terminal;
    }

    /** Snapshot whenever the predicate holds for the new state. */
    static <S> SnapshotPolicy<S> when(Predicate<? super S> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return (state, version, since, terminal) -> predicate.test(state);
    }

    /** Never snapshot. */
    static <S> SnapshotPolicy<S> never() {
        return (state, version, since, terminal) -> false;
    }

    /** Every {@value #DEFAULT_EVERY_EVENTS} events, and on a terminal state. */
    static <S> SnapshotPolicy<S> defaults() {
        return SnapshotPolicy.<S>everyEvents(DEFAULT_EVERY_EVENTS).or(onTerminal());
    }

    /** Snapshot when this policy or the other says so. */
    default SnapshotPolicy<S> or(SnapshotPolicy<S> other) {
        Objects.requireNonNull(other, "other");
        return (state, version, since, terminal) -> shouldSnapshot(state, version, since, terminal)
                || other.shouldSnapshot(state, version, since, terminal);
    }
}
