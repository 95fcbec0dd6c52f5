package dev.verdict.runtime;

import dev.verdict.store.EntityRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The runtime's bookkeeping for {@code handleAsync}: the bound on commands in flight, the queue of turns per entity
 * (a chain of futures: a command starts when the previous command for its entity has finished), the executor for the
 * parts that block, and a timer for backoffs (no thread sleeps).
 */
final class AsyncCommands implements AutoCloseable {
    private static final AtomicInteger RUNTIMES = new AtomicInteger();
    /** Turns started inside each other on one thread (commands that finish at once start the next) at most. */
    static final int MAX_NESTED_TURNS = 32;

    private static final ThreadLocal<int[]> NESTED_TURNS = ThreadLocal.withInitial(() -> new int[1]);

    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentMap<EntityRef, CompletableFuture<Void>> turns = new ConcurrentHashMap<>();
    private final Executor executor;
    private final ScheduledThreadPoolExecutor timer;
    private final boolean completeInline;

    AsyncCommands(int maxInFlight, Executor executor, boolean completeInline) {
        this.maxInFlight = maxInFlight;
        this.executor = executor;
        this.completeInline = completeInline;
        String name = "verdict-backoff-" + RUNTIMES.incrementAndGet();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        this.timer.setRemoveOnCancelPolicy(true);
    }

    int maxInFlight() {
        return maxInFlight;
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Takes one of the bounded places, or returns false (nothing is queued). */
    boolean tryEnter() {
        while (true) {
            int now = inFlight.get();
            if (now >= maxInFlight) {
                return false;
            }
            if (inFlight.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void leave() {
        inFlight.decrementAndGet();
    }

    /**
     * Makes {@code turn} the entity's last turn and returns the one before it (completed or not), or null when the
     * entity has no command in flight.
     */
    private CompletableFuture<Void> queue(EntityRef entity, CompletableFuture<Void> turn) {
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] previous = new CompletableFuture[1];
        turns.compute(entity, (key, last) -> {
            previous[0] = last;
            return turn;
        });
        return previous[0];
    }

    /**
     * Starts a command's turn on this thread – unless turns already nest deeply here (a chain of commands for one
     * entity that each finished at once, e.g. cancelled while waiting), then on the executor, so a long chain never
     * overflows the stack.
     */
    void startTurn(Runnable turn) {
        int[] nested = NESTED_TURNS.get();
        if (nested[0] >= MAX_NESTED_TURNS) {
            try {
                executor.execute(turn);
                return;
            } catch (RejectedExecutionException e) {
                // closing: run it here (it fails fast on the closed executor itself)
            }
        }
        nested[0]++;
        try {
            turn.run();
        } finally {
            nested[0]--;
        }
    }

    /**
     * Runs an asynchronous command when its turn comes on every entity it spans (after the previous commands on each of
     * them), ends its interception, frees its place (taken by {@link #tryEnter}) and answers the caller ({@link
     * #deliver}). A command cancelled while it waits for its turn is never run. Turns over several entities are queued
     * together (one such queueing at a time), so no two commands ever wait for each other.
     */
    <T extends Outcome<?, ?>> CompletableFuture<T> inTurn(
            List<EntityRef> entities, Interceptors.Running running, Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<Void> turn = new CompletableFuture<>();
        CompletableFuture<Void> previous;
        if (entities.size() == 1) {
            previous = queue(entities.get(0), turn);
        } else {
            List<CompletableFuture<Void>> before = new ArrayList<>(entities.size());
            synchronized (turns) {
                // one multi-entity queueing at a time: two of them cannot each queue behind the other
                for (EntityRef entity : entities) {
                    CompletableFuture<Void> last = queue(entity, turn);
                    if (last != null && !last.isDone()) {
                        before.add(last);
                    }
                }
            }
            previous = before.isEmpty() ? null : CompletableFuture.allOf(before.toArray(CompletableFuture[]::new));
        }
        if (previous == null || previous.isDone()) {
            begin(entities, running, work, result, turn);
        } else {
            previous.whenComplete((ignored, error) -> startTurn(() -> begin(entities, running, work, result, turn)));
        }
        return result;
    }

    /** The command's turn has come (the previous commands on its entities have finished). */
    private <T extends Outcome<?, ?>> void begin(
            List<EntityRef> entities,
            Interceptors.Running running,
            Supplier<CompletableFuture<T>> work,
            CompletableFuture<T> result,
            CompletableFuture<Void> turn) {
        if (result.isDone()) {
            // cancelled (or completed by the caller) while waiting for its turn: never decided, nothing stored
            running.end(null, new CancellationException("cancelled before its turn"));
            leave();
            done(entities, turn);
            return;
        }
        CompletableFuture<T> pending;
        try {
            pending = work.get();
        } catch (RuntimeException | Error e) {
            pending = CompletableFuture.failedFuture(e);
        }
        pending.whenComplete((outcome, error) -> {
            Throwable failure = error == null ? null : unwrap(error);
            try {
                running.end(outcome, failure);
            } finally {
                // whatever happened above: free the place, answer the caller, let the entities' next commands go
                leave();
                deliver(result, outcome, failure);
                done(entities, turn);
            }
        });
    }

    /** Ends a turn: forgets it where it is still the entity's last (so the map holds only entities in flight). */
    private void done(List<EntityRef> entities, CompletableFuture<Void> turn) {
        for (EntityRef entity : entities) {
            turns.remove(entity, turn);
        }
        turn.complete(null);
    }

    /** Runs blocking work on the executor; a refused task fails the future instead of being lost. */
    <T> CompletableFuture<T> onExecutor(Supplier<CompletableFuture<T>> work) {
        return onExecutor(executor, work);
    }

    /** Runs blocking work on {@code blocking}; a refused task fails the future instead of being lost. */
    <T> CompletableFuture<T> onExecutor(Executor blocking, Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            blocking.execute(() -> {
                try {
                    work.get().whenComplete((value, error) -> {
                        if (error != null) {
                            result.completeExceptionally(unwrap(error));
                        } else {
                            result.complete(value);
                        }
                    });
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Runs {@code work} on the executor after {@code delay}: a backoff that parks no thread. */
    <T> CompletableFuture<T> after(Duration delay, Supplier<CompletableFuture<T>> work) {
        return after(delay, executor, work);
    }

    /** Runs {@code work} on {@code blocking} after {@code delay}: a backoff that parks no thread. */
    <T> CompletableFuture<T> after(Duration delay, Executor blocking, Supplier<CompletableFuture<T>> work) {
        if (delay.isZero() || delay.isNegative()) {
            return onExecutor(blocking, work);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            timer.schedule(
                    () -> onExecutor(blocking, work).whenComplete((value, error) -> {
                        if (error != null) {
                            result.completeExceptionally(error);
                        } else {
                            result.complete(value);
                        }
                    }),
                    delay.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Hands a finished command's outcome to the caller's future: on the executor, never on a NATS thread – unless
     * the runtime was built to complete inline (then on the thread that finished the command).
     */
    <T> void deliver(CompletableFuture<T> target, T value, Throwable error) {
        Runnable complete = () -> {
            if (error != null) {
                target.completeExceptionally(error);
            } else {
                target.complete(value);
            }
        };
        if (completeInline) {
            complete.run();
            return;
        }
        try {
            executor.execute(complete);
        } catch (RejectedExecutionException e) {
            complete.run();
        }
    }

    Executor executor() {
        return executor;
    }

    /**
     * The future's value, waiting for it; a failure whose cause is a {@code RuntimeException} is thrown as that
     * exception – what the synchronous call would have thrown – any other as the {@code CompletionException}.
     */
    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Override
    public void close() {
        // backoffs already scheduled still run (and fail their command if the executor is gone): none is lost
        timer.shutdown();
    }
}
