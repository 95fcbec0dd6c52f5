package dev.verdict.runtime;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The executor of a blocking {@code handle}: the decision's blocking parts (a cold load, a catch-up read, a batch, a
 * re-send's read-back) run on the thread that called {@code handle} and waits for the outcome – at once when that
 * thread asks, else queued until it {@link #join}s – never on a pool and never on a NATS connection's thread. So the
 * one pipeline serves {@code handle} as a join on the same composition as {@code handleAsync}, without a thread hop.
 */
final class CallerThread implements Executor {
    private final Thread owner = Thread.currentThread();
    private final Executor afterwards;
    private ArrayDeque<Runnable> tasks; // guarded by this; allocated on the first task queued
    private boolean finished; // guarded by this
    private volatile boolean interrupted;

    /** @param afterwards runs a task that arrives after the caller stopped waiting (none is ever lost) */
    CallerThread(Executor afterwards) {
        this.afterwards = afterwards;
    }

    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread() == owner) {
            task.run();
            return;
        }
        synchronized (this) {
            if (!finished) {
                if (tasks == null) {
                    tasks = new ArrayDeque<>(4);
                }
                tasks.add(task);
                notifyAll();
                return;
            }
        }
        afterwards.execute(task);
    }

    /**
     * Waits for the outcome, running the tasks queued for this thread meanwhile; returns it or throws what it failed
     * with (as {@link AsyncCommands#join}). An interrupt does not cut an append short – the command is stored once or
     * not at all – but no retry starts after it ({@link #interrupted}); the flag is restored on the thread.
     */
    <T> T join(CompletableFuture<T> result) {
        if (!result.isDone()) {
            result.whenComplete((value, error) -> finish());
            while (true) {
                Runnable task;
                synchronized (this) {
                    while ((tasks == null || tasks.isEmpty()) && !finished) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            interrupted = true; // the pipeline retries no more (see interrupted())
                        }
                    }
                    task = tasks == null ? null : tasks.poll();
                }
                if (task == null) {
                    break;
                }
                task.run();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            return AsyncCommands.join(result);
        } catch (CompletionException e) {
            if (e.getCause() instanceof Error error) {
                throw error; // as the decider or the store threw it
            }
            throw e;
        }
    }

    /** Whether the calling thread is the one that waits (its blocking calls cost no hand-off). */
    boolean isCurrent() {
        return Thread.currentThread() == owner;
    }

    /** Whether the waiting thread was interrupted: the pipeline then gives up instead of retrying. */
    boolean interrupted() {
        return interrupted;
    }

    private synchronized void finish() {
        finished = true;
        notifyAll();
    }
}
