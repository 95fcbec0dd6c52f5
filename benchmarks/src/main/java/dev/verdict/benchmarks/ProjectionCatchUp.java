package dev.verdict.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Scenario 6: a projection catching up with 100,000 events from the start, into memory, against a raw ordered
 * consumer reading the same events.
 */
final class ProjectionCatchUp implements Scenario {
    static final int ENTITIES = 1000;
    static final String CATEGORY = "proj";

    @Override
    public String id() {
        return "6";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        Settings s = ctx.settings;
        int events = s.projectionEvents();
        ScenarioResult result = new ScenarioResult(
                id(),
                String.format(java.util.Locale.ROOT, "Projection catch-up, %,d events", events),
                String.format(
                        java.util.Locale.ROOT,
                        "%,d events over %,d entities of one category. Verdict: a `ProjectionRunner` on an "
                                + "ephemeral consumer feeding a `Projection` that keeps events and quantity dispensed "
                                + "per entity in a map, from the first event until `caughtUp()` completes (each event "
                                + "decoded with the JSON codec and its envelope read from the headers). Raw: an ordered consumer on the same subjects, reading until pending is "
                                + "0 (payload bytes touched, nothing decoded); raw + decode also maps each payload to "
                                + "the event record with Jackson. %d warm-up + %d repeats, interleaved.",
                        events,
                        ENTITIES,
                        s.warmups(),
                        s.projectionRepeats()));
        VerdictProjection verdict = VerdictProjection.open(ctx);
        String filter = verdict.prepare(CATEGORY, events, ENTITIES);
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
        Map<String, Supplier<Trial>> variants = Pairs.variants();
        if (verdict.available()) {
            variants.put("verdict", () -> verdict.catchUp(CATEGORY, events));
        }
        variants.put("raw", () -> rawRead(ctx.rawOnVerdictStream, filter, events, null));
        variants.put("raw decode", () -> rawRead(ctx.rawOnVerdictStream, filter, events, json));
        Map<String, List<Trial>> r = Pairs.run(s.warmups(), s.projectionRepeats(), variants);
        String caseName = String.format(java.util.Locale.ROOT, "%,d events", events);
        if (verdict.available()) {
            result.add(Measurement.throughput(id(), caseName, "Verdict projection", "events/s", r.get("verdict")));
        } else {
            result.add(Measurement.notMeasured(id(), caseName, "Verdict projection", verdict.why()));
        }
        result.add(Measurement.throughput(id(), caseName, "raw ordered consumer", "events/s", r.get("raw")));
        result.add(Measurement.throughput(
                id(), caseName, "raw ordered consumer + Jackson decode", "events/s", r.get("raw decode")));
        if (verdict.available()) {
            result.add(Ratio.of(
                    id(),
                    caseName,
                    "Verdict / raw ordered consumer (events/s)",
                    r.get("verdict"),
                    r.get("raw"),
                    Trial::throughput,
                    Target.atLeast(0.8)));
        } else {
            result.add(Ratio.notMeasured(
                    id(), caseName, "Verdict / raw ordered consumer (events/s)", Target.atLeast(0.8), verdict.why()));
        }
        verdict.close();
        return result;
    }

    /** One pass over all events; the trial's operations are events, its one latency the whole pass. */
    static Trial rawRead(RawJetStream raw, String filter, int expected, ObjectMapper decoder) {
        long[] sum = new long[1];
        long start = System.nanoTime();
        long read;
        try {
            read = raw.read(filter, 0, m -> {
                if (decoder == null) {
                    sum[0] += m.getData().length;
                } else {
                    try {
                        // the type travels in a header (Verdict writes the simple record name by default)
                        String type = m.getHeaders().getFirst("Verdict-Type");
                        Class<? extends PrescriptionEvent> c = "DrugDispensed".equals(type)
                                ? PrescriptionEvent.DrugDispensed.class
                                : PrescriptionEvent.PrescriptionOrdered.class;
                        PrescriptionEvent e = decoder.readValue(m.getData(), c);
                        sum[0] += e instanceof PrescriptionEvent.DrugDispensed d ? d.quantity() : 1;
                    } catch (java.io.IOException e) {
                        throw new BenchmarkFailed("cannot decode " + m.getSubject(), e);
                    }
                }
            });
        } catch (BenchmarkFailed e) {
            throw e;
        } catch (Exception e) {
            throw new BenchmarkFailed("raw read of " + filter + " failed: " + e, e);
        }
        long elapsed = System.nanoTime() - start;
        if (read != expected) {
            throw new BenchmarkFailed("raw read " + read + " events of " + filter + ", expected " + expected, null);
        }
        LatencySamples one = new LatencySamples();
        one.add(elapsed);
        return new Trial(read, elapsed, one, Map.of());
    }
}
