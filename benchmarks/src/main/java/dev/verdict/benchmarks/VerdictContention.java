package dev.verdict.benchmarks;

import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionCommand;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.benchmarks.domain.Prescriptions;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.ConflictRetriesExhausted;
import dev.verdict.runtime.ConflictRetryPolicy;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.store.EventStoreUnavailable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Verdict side of scenario 5: writers on one entity of category {@value #CATEGORY}, sharing one runtime or each
 * with its own (like separate service instances), default {@link ConflictRetryPolicy}.
 */
final class VerdictContention implements AutoCloseable {
    static final String CATEGORY = "hot";

    private final BenchmarkContext ctx;
    private final CountingMetrics metrics = new CountingMetrics();
    private final List<CommandRuntime> runtimes = new ArrayList<>();
    private final List<EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent>> handles = new ArrayList<>();

    private VerdictContention(BenchmarkContext ctx) {
        this.ctx = ctx;
    }

    static VerdictContention open(BenchmarkContext ctx) {
        return new VerdictContention(ctx);
    }

    boolean available() {
        return true;
    }

    String why() {
        return "";
    }

    private EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> handle(int index) {
        while (handles.size() <= index) {
            CommandRuntime r = ctx.verdict.runtime(10_000, false, metrics);
            runtimes.add(r);
            handles.add(ctx.verdict.register(r, CATEGORY, Optional.empty()));
        }
        return handles.get(index);
    }

    /**
     * Orders the contended entities of this case (setup): one per variant, so that the runtimes of one variant never
     * find their cached state thousands of events behind because the other variant wrote in between (that would
     * measure long catch-up reads, not contention).
     */
    void prepare(int writers) {
        VerdictCommands.accepted(handle(0).handle(id(writers, false), Prescriptions.order(Payloads.AT)));
        VerdictCommands.accepted(handle(0).handle(id(writers, true), Prescriptions.order(Payloads.AT)));
    }

    private static String id(int writers, boolean runtimePerWriter) {
        return "w" + writers + (runtimePerWriter ? "-separate" : "-shared");
    }

    Trial trial(int writers, boolean runtimePerWriter) {
        String id = id(writers, runtimePerWriter);
        for (int w = 0; w < (runtimePerWriter ? writers : 1); w++) {
            handle(w);
        }
        PrescriptionCommand dispense = Prescriptions.dispense(Payloads.AT);
        LongAdder exhausted = new LongAdder();
        LongAdder unavailable = new LongAdder();
        long[] before = metrics.now();
        Trial t = Load.closedLoop(writers, Contention.window(ctx), (w, i) -> {
            try {
                VerdictCommands.accepted(handle(runtimePerWriter ? w : 0).handle(id, dispense));
            } catch (ConflictRetriesExhausted e) {
                exhausted.increment();
            } catch (EventStoreUnavailable e) {
                // e.g. the tail read after a conflict timed out: the command failed clearly; count it, go on
                unavailable.increment();
            }
        });
        long[] after = metrics.now();
        long accepted = t.operations() - exhausted.sum() - unavailable.sum();
        double commands = Math.max(1, t.operations());
        return new Trial(accepted, t.elapsedNanos(), t.latencies(), t.counters())
                .withCounter(
                        "conflicts/command",
                        (after[CountingMetrics.CONFLICTS] - before[CountingMetrics.CONFLICTS]) / commands)
                .withCounter(
                        "retries/command",
                        (after[CountingMetrics.RETRIES] - before[CountingMetrics.RETRIES]) / commands)
                .withCounter("gave up/command", exhausted.sum() / commands)
                .withCounter("store unavailable/command", unavailable.sum() / commands);
    }

    @Override
    public void close() {
        runtimes.forEach(CommandRuntime::close);
    }
}
