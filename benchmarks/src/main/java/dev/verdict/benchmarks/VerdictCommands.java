package dev.verdict.benchmarks;

import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionCommand;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.benchmarks.domain.Prescriptions;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import java.util.Optional;

/**
 * The Verdict side of scenarios 1 and 3: a command runtime with a warm cache over a set of entities, each ordered
 * once in setup (which also fills the cache).
 */
final class VerdictCommands implements AutoCloseable {
    private final BenchmarkContext ctx;
    private final CommandRuntime runtime;
    private final EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> handle;
    private final String[] ids;

    private VerdictCommands(BenchmarkContext ctx, String category, int entities) {
        this(ctx, category, entities, false);
    }

    private VerdictCommands(BenchmarkContext ctx, String category, int entities, boolean completeInline) {
        this.ctx = ctx;
        this.runtime = completeInline
                ? ctx.verdict.runtimeCompletingInline(Math.max(10_000, 2L * entities))
                : ctx.verdict.runtime(Math.max(10_000, 2L * entities), false);
        this.handle = ctx.verdict.register(runtime, category, Optional.empty());
        this.ids = new String[entities];
        for (int i = 0; i < entities; i++) {
            ids[i] = "e" + i;
        }
        Setup.parallel(8, entities, i -> accepted(handle.handle(ids[i], Prescriptions.order(Payloads.AT))));
    }

    static VerdictCommands open(BenchmarkContext ctx, int entities) {
        return new VerdictCommands(ctx, "rx", entities);
    }

    static VerdictCommands open(BenchmarkContext ctx, String category, int entities) {
        return new VerdictCommands(ctx, category, entities);
    }

    /** A runtime built with {@code completeInline()}: futures completed on the thread that finished the command. */
    static VerdictCommands openCompletingInline(BenchmarkContext ctx, String category, int entities) {
        return new VerdictCommands(ctx, category, entities, true);
    }

    boolean available() {
        return true;
    }

    String why() {
        return "";
    }

    /** Scenario 1: workers own their entities, one-event commands back to back. */
    Trial closedLoop(int concurrency) {
        int perWorker = Math.max(1, ids.length / concurrency);
        PrescriptionCommand dispense = Prescriptions.dispense(Payloads.AT);
        return Load.closedLoop(concurrency, ctx.settings.window(), (w, i) -> {
            int e = w + concurrency * (int) (i % perWorker);
            accepted(handle.handle(ids[e], dispense));
        });
    }

    /**
     * Scenario 11: {@code window} lanes, each with one {@code handleAsync} in flight, each lane owning its entities
     * (round-robin over them), so per entity nothing queues and nothing conflicts.
     */
    Trial asyncWindow(int window) {
        int perLane = Math.max(1, ids.length / window);
        PrescriptionCommand dispense = Prescriptions.dispense(Payloads.AT);
        return Load.asyncWindow(window, ctx.settings.window(), (lane, i) -> {
            int e = lane + window * (int) (i % perLane);
            return handle.handleAsync(ids[e], dispense).thenAccept(VerdictCommands::accepted);
        });
    }

    /**
     * Scenario 11, for comparison: what {@code handleAsync} was before it became non-blocking – the blocking {@code
     * handle} run on a pool of {@code threads} threads.
     */
    Trial blockingOnPool(int window, java.util.concurrent.Executor pool) {
        int perLane = Math.max(1, ids.length / window);
        PrescriptionCommand dispense = Prescriptions.dispense(Payloads.AT);
        return Load.asyncWindow(window, ctx.settings.window(), (lane, i) -> {
            int e = lane + window * (int) (i % perLane);
            return java.util.concurrent.CompletableFuture.supplyAsync(() -> handle.handle(ids[e], dispense), pool)
                    .thenAccept(VerdictCommands::accepted);
        });
    }

    /** Scenario 3: {@code count} decisions of 1 or 3 events on one thread, round-robin over the entities. */
    Trial decisions(int eventsPerDecision, int count) {
        PrescriptionCommand command = eventsPerDecision == 3
                ? Prescriptions.dispenseAndNotify(Payloads.AT)
                : Prescriptions.dispense(Payloads.AT);
        return Load.repeat(count, (w, i) -> {
            Outcome<Prescription, PrescriptionEvent> o = handle.handle(ids[(int) (i % ids.length)], command);
            accepted(o);
            int stored = ((Outcome.Accepted<Prescription, PrescriptionEvent>) o)
                    .events()
                    .size();
            if (stored != eventsPerDecision) {
                throw new BenchmarkFailed(
                        "a decision stored " + stored + " events, expected " + eventsPerDecision, null);
            }
        });
    }

    static void accepted(Outcome<?, ?> outcome) {
        if (!(outcome instanceof Outcome.Accepted<?, ?>)) {
            throw new BenchmarkFailed("a benchmark command was not accepted: " + outcome, null);
        }
    }

    @Override
    public void close() {
        runtime.close();
    }
}
