package dev.verdict.benchmarks;

import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionCommand;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.benchmarks.domain.Prescriptions;
import dev.verdict.decider.CombinedState;
import dev.verdict.decider.Decider;
import dev.verdict.decider.EntityRead;
import dev.verdict.decider.MultiDecider;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.MultiEntityHandle;
import dev.verdict.runtime.MultiRegistration;
import dev.verdict.runtime.Outcome;
import dev.verdict.runtime.Registration;
import java.util.List;

/**
 * Scenario 11's two-entity case: {@code MultiEntityHandle.handleAsync} of a decision over two categories (one event
 * each, one atomic batch over both subjects) against the same batch sent asynchronously on jnats core. Each lane owns
 * its pairs, so neither side queues per entity or conflicts.
 */
final class AsyncMultiEntityPair implements AutoCloseable {
    /** Dispense from entity {@code e<index>} of both categories. */
    record Pair(int index) {}

    private final BenchmarkContext ctx;
    private final int pairs;
    private final CommandRuntime runtime;
    private final MultiEntityHandle<Pair, CombinedState<Prescription, Prescription>, Object> handle;
    private final CommandThroughput.RawEntities rawA;
    private final CommandThroughput.RawEntities rawB;

    private AsyncMultiEntityPair(BenchmarkContext ctx, int pairs) throws Exception {
        this.ctx = ctx;
        this.pairs = pairs;
        rawA = new CommandThroughput.RawEntities(ctx, "qa", pairs);
        rawB = new CommandThroughput.RawEntities(ctx, "qb", pairs);
        rawA.create();
        rawB.create();
        runtime = ctx.verdict.runtime(10_000, false);
        Decider<PrescriptionCommand, Prescription, PrescriptionEvent> decider = Prescriptions.decider();
        EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> a =
                runtime.register(Registration.of("qva", decider, ctx.verdict.codec));
        EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> b =
                runtime.register(Registration.of("qvb", decider, ctx.verdict.codec));
        PrescriptionCommand dispense = Prescriptions.dispense(Payloads.AT);
        handle = runtime.register(MultiRegistration.of(
                "qpair",
                MultiDecider.of(
                        EntityRead.of("qva", (Pair p) -> "e" + p.index(), decider),
                        EntityRead.of("qvb", (Pair p) -> "e" + p.index(), decider),
                        (p, first, second) -> new MultiDecider.EventsOfBoth<>(
                                decider.decide(dispense, first), decider.decide(dispense, second)))));
        Setup.parallel(8, pairs, i -> {
            VerdictCommands.accepted(a.handle("e" + i, Prescriptions.order(Payloads.AT)));
            VerdictCommands.accepted(b.handle("e" + i, Prescriptions.order(Payloads.AT)));
        });
    }

    static AsyncMultiEntityPair open(BenchmarkContext ctx, int pairs) throws Exception {
        return new AsyncMultiEntityPair(ctx, pairs);
    }

    Trial verdict(int window) {
        int perLane = Math.max(1, pairs / window);
        return Load.asyncWindow(
                window,
                ctx.settings.window(),
                (lane, i) -> handle.handleAsync(new Pair(lane + window * (int) (i % perLane)))
                        .thenAccept(o -> {
                            if (!(o instanceof Outcome.Accepted<?, ?> accepted)
                                    || accepted.events().size() != 2) {
                                throw new BenchmarkFailed(
                                        "a two-entity decision was not accepted with 2 events: " + o, null);
                            }
                        }));
    }

    Trial raw(int window) {
        int perLane = Math.max(1, pairs / window);
        List<byte[]> payloads = List.of(ctx.payloads.dispensed, ctx.payloads.dispensed);
        return Load.asyncWindow(window, ctx.settings.window(), (lane, i) -> {
            int e = lane + window * (int) (i % perLane);
            return ctx.raw
                    .publishAtomicBatchAcrossAsync(
                            List.of(rawA.subject(e), rawB.subject(e)),
                            payloads,
                            new long[] {rawA.last(e), rawB.last(e)},
                            ctx.ids.next())
                    .thenAccept(last -> {
                        rawA.last(e, last - 1);
                        rawB.last(e, last);
                    });
        });
    }

    @Override
    public void close() {
        runtime.close();
    }
}
