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
import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EntityVersion;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Scenario 9: a decision over two entities – one event each, appended as one ADR-50 atomic batch over the two subjects,
 * both guarded – against the same raw 2-subject atomic batch on jnats; the store's {@code appendAcross} alone shows
 * which part of the difference is the store's and which the runtime's.
 */
final class MultiEntityDecision implements Scenario {
    private static final int PAIRS = 100;

    /** Dispense from entity {@code e<index>} of both categories. */
    record Pair(int index) {}

    @Override
    public String id() {
        return "9";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        Settings s = ctx.settings;
        ScenarioResult result = new ScenarioResult(
                id(),
                "Decisions over two entities",
                "One thread, " + PAIRS + " pairs of entities round-robin, warm cache. Verdict: `MultiEntityHandle"
                        + ".handle` of a `MultiDecider.of(EntityRead, EntityRead, …)` over two categories – one "
                        + "`DrugDispensed` for each entity, appended as one ADR-50 batch over the two subjects, each "
                        + "message guarded by its subject's version. Verdict store: `NatsEventStore.appendAcross` of "
                        + "the same two encoded events (no runtime). Raw: the same 2-subject batch on jnats core – "
                        + "the first message as a request with `Nats-Batch-Id`, `Nats-Batch-Sequence: 1`, "
                        + "`Nats-Msg-Id` and its subject's expected last sequence, the second with its own expected "
                        + "last sequence and `Nats-Batch-Commit: 1` as a request answered by the PubAck. "
                        + s.decisionsPerRepeat() + " decisions per repeat, " + s.warmups() + " warm-up + "
                        + s.repeats() + " repeats, interleaved.");
        CommandThroughput.RawEntities rawA = new CommandThroughput.RawEntities(ctx, "pa", PAIRS);
        CommandThroughput.RawEntities rawB = new CommandThroughput.RawEntities(ctx, "pb", PAIRS);
        rawA.create();
        rawB.create();

        CommandRuntime runtime = ctx.verdict.runtime(10_000, false);
        Decider<PrescriptionCommand, Prescription, PrescriptionEvent> decider = Prescriptions.decider();
        EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> a =
                runtime.register(Registration.of("ma", decider, ctx.verdict.codec));
        EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> b =
                runtime.register(Registration.of("mb", decider, ctx.verdict.codec));
        PrescriptionCommand dispense = Prescriptions.dispense(Payloads.AT);
        MultiDecider<Pair, CombinedState<Prescription, Prescription>, Object> both = MultiDecider.of(
                EntityRead.of("ma", p -> "e" + p.index(), decider),
                EntityRead.of("mb", p -> "e" + p.index(), decider),
                (p, first, second) -> new MultiDecider.EventsOfBoth<>(
                        decider.decide(dispense, first), decider.decide(dispense, second)));
        MultiEntityHandle<Pair, CombinedState<Prescription, Prescription>, Object> handle =
                runtime.register(MultiRegistration.of("pair", both));
        // pairs 0..PAIRS-1 for the runtime, PAIRS..2*PAIRS-1 for the store alone
        Setup.parallel(8, 2 * PAIRS, i -> {
            VerdictCommands.accepted(a.handle("e" + i, Prescriptions.order(Payloads.AT)));
            VerdictCommands.accepted(b.handle("e" + i, Prescriptions.order(Payloads.AT)));
        });
        EncodedEvent dispensed = ctx.verdict.codec.encode(
                decider.decide(dispense, a.load("e0").state()).get(0));
        EntityRef[] storeA = new EntityRef[PAIRS];
        EntityRef[] storeB = new EntityRef[PAIRS];
        long[] versionA = new long[PAIRS];
        long[] versionB = new long[PAIRS];
        for (int i = 0; i < PAIRS; i++) {
            storeA[i] = EntityRef.of("ma", "e" + (PAIRS + i));
            storeB[i] = EntityRef.of("mb", "e" + (PAIRS + i));
            versionA[i] = ctx.verdict.store.version(storeA[i]);
            versionB[i] = ctx.verdict.store.version(storeB[i]);
        }

        int count = s.decisionsPerRepeat();
        Map<String, Supplier<Trial>> variants = Pairs.variants();
        variants.put(
                "verdict 2x2",
                () -> Load.repeat(count, (w, i) -> {
                    Outcome<CombinedState<Prescription, Prescription>, Object> o =
                            handle.handle(new Pair((int) (i % PAIRS)));
                    if (!(o instanceof Outcome.Accepted<?, ?> accepted)
                            || accepted.events().size() != 2) {
                        throw new BenchmarkFailed("a two-entity decision was not accepted with 2 events: " + o, null);
                    }
                }));
        variants.put(
                "verdict store 2x2",
                () -> Load.repeat(count, (w, i) -> {
                    int e = (int) (i % PAIRS);
                    AppendAcrossResult r = ctx.verdict.store.appendAcross(
                            List.of(
                                    new EntityVersion(storeA[e], versionA[e]),
                                    new EntityVersion(storeB[e], versionB[e])),
                            List.of(new EntityEvent(storeA[e], dispensed), new EntityEvent(storeB[e], dispensed)),
                            CommandContext.create());
                    versionA[e] = r.sequences().get(0);
                    versionB[e] = r.sequences().get(1);
                }));
        List<byte[]> payloads = List.of(ctx.payloads.dispensed, ctx.payloads.dispensed);
        variants.put(
                "raw batch 2x2",
                () -> Load.repeat(count, (w, i) -> {
                    int e = (int) (i % PAIRS);
                    long last = ctx.raw.publishAtomicBatchAcross(
                            List.of(rawA.subject(e), rawB.subject(e)),
                            payloads,
                            new long[] {rawA.last(e), rawB.last(e)},
                            ctx.ids.next());
                    rawA.last(e, last - 1);
                    rawB.last(e, last);
                }));
        Map<String, List<Trial>> r = Pairs.run(s, variants);
        String c = "2 entities, 2 events";
        result.add(Measurement.latency(id(), c, "Verdict handle", r.get("verdict 2x2")));
        result.add(Measurement.latency(id(), c, "Verdict store appendAcross", r.get("verdict store 2x2")));
        result.add(Measurement.latency(id(), c, "raw 2-subject atomic batch", r.get("raw batch 2x2")));
        result.add(Ratio.of(
                id(),
                c,
                "Verdict / raw 2-subject atomic batch (ms)",
                r.get("verdict 2x2"),
                r.get("raw batch 2x2"),
                t -> t.latencies().medianMillis(),
                Target.atMost(1.1)));
        result.add(Ratio.of(
                id(),
                c,
                "Verdict store alone / raw 2-subject atomic batch (ms)",
                r.get("verdict store 2x2"),
                r.get("raw batch 2x2"),
                t -> t.latencies().medianMillis(),
                Target.none()));
        runtime.close();
        return result;
    }
}
