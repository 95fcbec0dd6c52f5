package dev.verdict.benchmarks;

import io.nats.client.JetStreamApiException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 5: many writers on one entity. Reports accepted commands per second and how many conflicts and retries
 * each accepted command cost.
 */
final class Contention implements Scenario {
    /** Shorter than the other scenarios' window: contended commands are slow and their count is what matters. */
    static final java.time.Duration WINDOW = java.time.Duration.ofMillis(1000);

    private static final Pattern WRONG_LAST = Pattern.compile("wrong last sequence: (\\d+)");

    @Override
    public String id() {
        return "5";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        Settings s = ctx.settings;
        ScenarioResult result = new ScenarioResult(
                id(),
                "Contention on one entity",
                "W threads send commands to the same entity for " + window(ctx).toMillis() + " ms per repeat. "
                        + "Verdict: one runtime (cache on) shared by the threads – it serialises commands per entity "
                        + "inside the JVM – and W runtimes (one per writer, each with its own cache), which is what "
                        + "W service instances do: their conflicts go to the server, and the runtime catches up the "
                        + "tail and retries (the first retry at once, then with backoff), default retry policy "
                        + "(" + dev.verdict.runtime.ConflictRetryPolicy.DEFAULT_MAX_ATTEMPTS
                        + " attempts); a command that runs out "
                        + "of attempts counts as \"gave up\", one whose store call failed (e.g. a tail read timing out) as \"store "
                        + "unavailable\", neither as accepted. Raw: each writer publishes with the sequence it last saw; on "
                        + "\"wrong last sequence: N\" (10071) it takes N from the error and retries at once. "
                        + s.warmups() + " warm-up + " + Math.min(3, s.repeats()) + " repeats, interleaved.");
        VerdictContention verdict = VerdictContention.open(ctx);
        for (int writers : s.contentionWriters()) {
            String caseName = writers + " writers";
            String subject = ctx.raw.stream() + ".hot.w" + writers;
            ctx.raw.publish(subject, ctx.payloads.ordered, 0, ctx.ids.next());
            verdict.prepare(writers);
            Map<String, Supplier<Trial>> variants = Pairs.variants();
            if (verdict.available()) {
                variants.put("verdict shared", () -> verdict.trial(writers, false));
                variants.put("verdict separate", () -> verdict.trial(writers, true));
            }
            variants.put("raw", () -> rawTrial(ctx, subject, writers));
            Map<String, List<Trial>> r = Pairs.run(s.warmups(), Math.min(3, s.repeats()), variants);
            if (verdict.available()) {
                result.add(Measurement.throughput(
                        id(), caseName, "Verdict, 1 runtime", "accepted/s", r.get("verdict shared")));
                result.add(Measurement.throughput(
                        id(), caseName, "Verdict, " + writers + " runtimes", "accepted/s", r.get("verdict separate")));
            } else {
                result.add(Measurement.notMeasured(id(), caseName, "Verdict", verdict.why()));
            }
            result.add(Measurement.throughput(id(), caseName, "raw OCC retry loop", "accepted/s", r.get("raw")));
            if (verdict.available()) {
                result.add(Ratio.of(
                        id(),
                        caseName,
                        "Verdict 1 runtime / raw (accepted/s)",
                        r.get("verdict shared"),
                        r.get("raw"),
                        Trial::throughput,
                        Target.none()));
                result.add(Ratio.of(
                        id(),
                        caseName,
                        "Verdict " + writers + " runtimes / raw (accepted/s)",
                        r.get("verdict separate"),
                        r.get("raw"),
                        Trial::throughput,
                        Target.none()));
            }
        }
        verdict.close();
        return result;
    }

    /** Each writer keeps its own idea of the last sequence, like a separate process would. */
    static Trial rawTrial(BenchmarkContext ctx, String subject, int writers) {
        long start = lastOf(ctx, subject);
        long[] known = new long[writers];
        java.util.Arrays.fill(known, start);
        LongAdder conflicts = new LongAdder();
        Trial t = Load.closedLoop(writers, window(ctx), (w, i) -> {
            while (true) {
                try {
                    known[w] = ctx.raw.publish(subject, ctx.payloads.dispensed, known[w], ctx.ids.next());
                    return;
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != 10071 && e.getApiErrorCode() != 10164) {
                        throw e;
                    }
                    conflicts.increment();
                    Matcher m = WRONG_LAST.matcher(String.valueOf(e.getErrorDescription()));
                    known[w] = m.find() ? Long.parseLong(m.group(1)) : ctx.raw.lastSequence(subject);
                }
            }
        });
        double perCommand = t.operations() == 0 ? 0 : conflicts.doubleValue() / t.operations();
        return t.withCounter("conflicts/command", perCommand).withCounter("retries/command", perCommand);
    }

    static java.time.Duration window(BenchmarkContext ctx) {
        return ctx.settings.window().compareTo(WINDOW) < 0 ? ctx.settings.window() : WINDOW;
    }

    private static long lastOf(BenchmarkContext ctx, String subject) {
        try {
            return ctx.raw.lastSequence(subject);
        } catch (Exception e) {
            throw new BenchmarkFailed("cannot read the last sequence of " + subject, e);
        }
    }
}
