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
                "One entity with 1,000 events (one PrescriptionOrdered, 999 DrugDispensed), stored twice: at the"
                        + " current version, and with every DrugDispensed at version 1 (its count named `units`),"
                        + " read by a codec at version 2 with a 1:1 upcaster renaming the field. `EntityHandle.load`"
                        + " on a runtime without cache reads and folds all events. " + s.longLoadsPerRepeat()
                        + " loads per repeat, " + s.warmups() + " warm-up + " + s.repeats()
                        + " repeats, interleaved; latency = one whole load.");
        JsonEventCodec<PrescriptionEvent> upcasting = JsonEventCodec.builder(PrescriptionEvent.class)
                .type(PrescriptionEvent.DrugDispensed.class, "DrugDispensed", 2)
                .upcaster(Upcaster.of("DrugDispensed", 1, json -> {
                    json.set("quantity", json.remove("units"));
                    return json;
                }))
                .build();
        ctx.verdict.fill("upcastplain", "h", EVENTS);
        writeOldRelease(ctx, "upcastold", "h");
        try (CommandRuntime runtime = ctx.verdict.runtime(0, false)) {
            EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> plain =
                    runtime.register(Registration.of("upcastplain", Prescriptions.decider(), ctx.verdict.codec));
            EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> old =
                    runtime.register(Registration.of("upcastold", Prescriptions.decider(), upcasting));
            Map<String, Supplier<Trial>> variants = Pairs.variants();
            variants.put("plain", () -> loads(plain, s.longLoadsPerRepeat()));
            variants.put("upcast", () -> loads(old, s.longLoadsPerRepeat()));
            Map<String, List<Trial>> r = Pairs.run(s, variants);
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

    /** The history as the older release stored it: DrugDispensed at version 1 with {@code units}. */
    private static void writeOldRelease(BenchmarkContext ctx, String category, String id) throws Exception {
        ObjectMapper json = new ObjectMapper();
        EncodedEvent ordered =
                ctx.verdict.codec.encode(Prescriptions.decide(Prescriptions.order(Payloads.AT), Prescription.NEW)
                        .get(0));
        ObjectNode v1 = (ObjectNode) json.readTree(ctx.verdict
                .codec
                .encode(new PrescriptionEvent.DrugDispensed(1, "capsule", "pharmacist-7", Payloads.AT))
                .payload());
        v1.set("units", v1.remove("quantity"));
        EncodedEvent dispensed = new EncodedEvent("DrugDispensed", 1, json.writeValueAsBytes(v1));
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
