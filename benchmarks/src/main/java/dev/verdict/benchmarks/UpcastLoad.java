package dev.verdict.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionCommand;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.benchmarks.domain.Prescriptions;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.EntityState;
import dev.verdict.runtime.Registration;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.Upcaster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Scenario 12: the cost of upcasting on a warm load of 1,000 events – the same history stored at the current
 * version (decoded straight from the bytes) and stored by an "older release" whose {@code DrugDispensed} version 1
 * named its count {@code units} (each event read as a tree, lifted by a 1:1 upcaster that renames the field, then
 * bound), both loaded with {@code EntityHandle.load} on a runtime without cache.
 *
 * <p>Both histories are written the same way – {@code EventStore.append} in batches of 100 – so that their messages
 * differ in nothing but the DrugDispensed payload and schema version. (Until round 3, session 5 the current history
 * was published one message at a time with fewer headers than a batched append stores – no {@code Nats-Batch-*}
 * headers – and that alone made its loads about a fifth faster than the old history's, whatever the codec did.)
 */
final class UpcastLoad implements Scenario {
    static final int EVENTS = 1000;

    @Override
    public String id() {
        return "12";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        Settings s = ctx.settings;
        ScenarioResult result = new ScenarioResult(
                id(),
                "Upcasting on a warm load",
                "One entity with 1,000 events (one PrescriptionOrdered, 999 DrugDispensed), stored twice the same way"
                        + " (appended in batches of 100): at the current version, and with every DrugDispensed at"
                        + " version 1 (its count named `units`), read by a codec at version 2 with a 1:1 upcaster"
                        + " renaming the field. `EntityHandle.load` on a runtime without cache reads and folds all"
                        + " events. " + s.longLoadsPerRepeat()
                        + " loads per repeat, " + warmups(s) + " warm-up + " + repeats(s)
                        + " repeats, interleaved; latency = one whole load.");
        JsonEventCodec<PrescriptionEvent> upcasting = JsonEventCodec.builder(PrescriptionEvent.class)
                .type(PrescriptionEvent.DrugDispensed.class, "DrugDispensed", 2)
                .upcaster(Upcaster.of("DrugDispensed", 1, json -> {
                    json.set("quantity", json.remove("units"));
                    return json;
                }))
                .build();
        EncodedEvent current = ctx.verdict.codec.encode(
                new PrescriptionEvent.DrugDispensed(1, "capsule", "pharmacist-7", Payloads.AT));
        write(ctx, "upcastplain", "h", current);
        write(ctx, "upcastold", "h", olderRelease(current));
        try (CommandRuntime runtime = ctx.verdict.runtime(0, false)) {
            EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> plain =
                    runtime.register(Registration.of("upcastplain", Prescriptions.decider(), ctx.verdict.codec));
            EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> old =
                    runtime.register(Registration.of("upcastold", Prescriptions.decider(), upcasting));
            Map<String, Supplier<Trial>> variants = Pairs.variants();
            variants.put("plain", () -> loads(plain, s.longLoadsPerRepeat()));
            variants.put("upcast", () -> loads(old, s.longLoadsPerRepeat()));
            Map<String, List<Trial>> r = Pairs.run(warmups(s), repeats(s), variants);
            String caseName = "1,000 events";
            result.add(Measurement.latency(id(), caseName, "current version, plain decode", r.get("plain")));
            result.add(Measurement.latency(id(), caseName, "version 1, upcast on read", r.get("upcast")));
            result.add(Ratio.of(
                    id(),
                    caseName,
                    "upcast / plain load (ms)",
                    r.get("upcast"),
                    r.get("plain"),
                    t -> t.latencies().medianMillis(),
                    Target.atMost(1.1)));
        }
        return result;
    }

    /** One more warm-up than the run's: the upcast path's classes are compiled during the first. */
    private static int warmups(Settings s) {
        return s.warmups() + 1;
    }

    /**
     * Four times the run's repeats: a load takes milliseconds, and the target sits 0.1 above parity, so the median of
     * five pairs moved by more than the distance to it between runs on a shared machine.
     */
    private static int repeats(Settings s) {
        return s.repeats() * 4;
    }

    /** DrugDispensed as the older release stored it: version 1, its count named {@code units}. */
    private static EncodedEvent olderRelease(EncodedEvent current) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode v1 = (ObjectNode) json.readTree(current.payload());
        v1.set("units", v1.remove("quantity"));
        return new EncodedEvent("DrugDispensed", 1, json.writeValueAsBytes(v1));
    }

    /** One PrescriptionOrdered and 999 {@code dispensed}, appended in batches of 100 (the same for both histories). */
    private static void write(BenchmarkContext ctx, String category, String id, EncodedEvent dispensed)
            throws Exception {
        EncodedEvent ordered =
                ctx.verdict.codec.encode(Prescriptions.decide(Prescriptions.order(Payloads.AT), Prescription.NEW)
                        .get(0));
        EntityRef ref = EntityRef.of(category, id);
        List<EncodedEvent> batch = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            batch.add(i == 0 ? ordered : dispensed);
            if (batch.size() == 100 || i == EVENTS - 1) {
                ctx.verdict.store.append(ref, ctx.verdict.store.version(ref), batch, CommandContext.create());
                batch = new ArrayList<>();
            }
        }
    }

    private static Trial loads(EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> handle, int count) {
        return Load.repeat(count, (w, i) -> {
            EntityState<Prescription> state = handle.load("h");
            if (state.state().dispensed() != EVENTS - 1) {
                throw new BenchmarkFailed("loaded " + state.state() + ": wrong state", null);
            }
        });
    }
}
