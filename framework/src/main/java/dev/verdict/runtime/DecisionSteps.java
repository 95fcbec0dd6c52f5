package dev.verdict.runtime;

import dev.verdict.decider.DomainRejection;
import dev.verdict.store.Category;
import dev.verdict.store.CommandRecord;
import dev.verdict.store.EntityRef;
import dev.verdict.store.StateCodec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps every decision takes whatever the number of entities it spans, written once: count a cache hit, record
 * an outcome in the command index, take a snapshot when the policy says so, recognise a record of another incarnation
 * of a stream, retry after a conflict ({@link #afterConflict}).
 */
final class DecisionSteps {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionSteps.class);

    private final PipelineDependencies dependencies;

    DecisionSteps(PipelineDependencies dependencies) {
        this.dependencies = dependencies;
    }

    PipelineDependencies dependencies() {
        return dependencies;
    }

    /**
     * What the decider said to one command: its events (never null), or none and – if it rejected the command – the
     * rejection (else null).
     */
    record Decision<T>(List<T> events, DomainRejection rejection) {}

    /** A state taken from the cache: counted as a load from it. */
    <S> KnownState<S> cacheHit(Category category, KnownState<S> cached) {
        dependencies.metrics().loaded(category, RuntimeMetrics.LoadSource.CACHE, 0, Duration.ZERO);
        return cached;
    }

    /** Remembers a command's outcome in the index, when the runtime has one (asynchronously). */
    void record(CommandRecord record) {
        dependencies.commandIndex().ifPresent(index -> index.record(record));
    }

    /**
     * A state after appended events: queued for a snapshot when the registration has a state codec, the runtime a
     * snapshot store and the policy says so (then its count of events since the snapshot starts again).
     */
    <S> KnownState<S> maybeSnapshot(Registration<?, S, ?> registration, EntityRef entity, KnownState<S> next) {
        Optional<StateCodec<S>> stateCodec = registration.stateCodec();
        SnapshotWriter snapshots = dependencies.snapshots();
        if (stateCodec.isEmpty() || !snapshots.enabled()) {
            return next;
        }
        boolean terminal = registration.decider().isTerminal(next.state());
        if (!registration
                .snapshotPolicy()
                .shouldSnapshot(next.state(), next.version(), next.eventsSinceSnapshot(), terminal)) {
            return next;
        }
        snapshots.write(
                registration.category(), entity, stateCodec.get(), next.state(), next.version(), next.streamIdentity());
        return next.withEventsSinceSnapshot(0);
    }

    /**
     * Whether a record of the index was made on the current incarnation of the stream: one made on a deleted and
     * recreated stream says nothing about the current one and is ignored (the command is decided again).
     */
    static boolean ofThisStream(Object decision, CommandRecord earlier, String streamIdentityNow) {
        String then = earlier.streamIdentity();
        if (then.isEmpty() || streamIdentityNow.isEmpty() || then.equals(streamIdentityNow)) {
            return true;
        }
        LOG.warn(
                "{}: command {} was decided on another incarnation of the stream (identity {}, now {}): deciding it"
                        + " again",
                decision,
                earlier.commandId(),
                then,
                streamIdentityNow);
        return false;
    }

    /** What a command the index remembers as rejected is answered with. */
    static RememberedRejection rejectionOf(CommandRecord.Rejected rejected) {
        return new RememberedRejection(rejected.code(), rejected.message());
    }

    /**
     * After a conflict on attempt {@code attempt}, the one retry rule of every decision: counts the conflict; gives up
     * with {@code givingUp} once the policy's attempts are spent; else waits the policy's backoff on the timer (no
     * thread sleeps), then – unless the thread waiting in a blocking {@code handle} was interrupted meanwhile (then it
     * gives up) – counts the retry and runs {@code again} (catch up, decide again) on {@code blocking}.
     */
    <T> CompletableFuture<T> afterConflict(
            Category category,
            int attempt,
            Executor blocking,
            Supplier<ConflictRetriesExhausted> givingUp,
            Supplier<CompletableFuture<T>> again) {
        dependencies.metrics().conflict(category);
        if (attempt >= dependencies.retry().maxAttempts()) {
            return CompletableFuture.failedFuture(givingUp.get());
        }
        return dependencies.async().after(dependencies.retry().backoffBefore(attempt), blocking, () -> {
            if (blocking instanceof CallerThread caller && caller.interrupted()) {
                // the thread waiting in handle was interrupted during the backoff: stop retrying
                return CompletableFuture.failedFuture(givingUp.get());
            }
            dependencies.metrics().retry(category);
            return again.get();
        });
    }
}
