package dev.verdict.benchmarks;

import dev.verdict.decider.DataSubject;
import dev.verdict.decider.Decider;
import dev.verdict.decider.PersonalData;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.store.EventCodec;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.nats.NatsDataKeys;
import dev.verdict.store.personal.KeyEncryptionKey;
import dev.verdict.store.personal.PersonalDataCodec;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Scenario 13: what personal data costs a warm command – the same one-event command on two categories of one
 * runtime, its event carrying a patient's name either as {@code PersonalData} (encrypted with the patient's data key
 * by {@link PersonalDataCodec}, keys in the store's key bucket with the default settings: cached for 10 s) or as a
 * plain string (the JSON codec alone).
 */
final class PersonalDataCommand implements Scenario {
    static final String NAME = "Ada Lovelace, née Byron";

    /** A visit to a patient whose name is personal data. */
    sealed interface VisitEvent permits VisitRecorded {}

    record VisitRecorded(@DataSubject String patientId, PersonalData<String> name, int visit, Instant at)
            implements VisitEvent {}

    /** The same visit with the name as a plain string. */
    sealed interface PlainVisitEvent permits PlainVisitRecorded {}

    record PlainVisitRecorded(String patientId, String name, int visit, Instant at) implements PlainVisitEvent {}

    /** The command: record a visit of the patient. */
    record Visit(String patientId) {}

    @Override
    public String id() {
        return "13";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        Settings s = ctx.settings;
        ScenarioResult result = new ScenarioResult(
                id(),
                String.format(
                        Locale.ROOT, "A warm command whose event carries personal data, %,d entities", s.entities()),
                "Two categories on one runtime with a warm cache, the same one-event command (`handle`, the state a"
                        + " visit count): its event holds the patient's name as `PersonalData<String>`, encrypted"
                        + " per patient by `PersonalDataCodec` (AES-256-GCM, the patient's data key from"
                        + " `NatsDataKeys` with its default settings – cached for 10 s, then read again from KV), or"
                        + " as a plain `String` through the JSON codec alone. Each worker owns its entities, as in"
                        + " scenario 1; every entity (and its data key) is created in setup. "
                        + s.warmups() + " warm-up + " + s.repeats() + " measured repeats of "
                        + s.window().toMillis() + " ms per variant, interleaved.");
        byte[] kekBytes = new byte[32];
        new SecureRandom().nextBytes(kekBytes);
        NatsDataKeys keys = NatsDataKeys.open(
                ctx.verdict.connection, NatsDataKeys.Settings.of(VerdictSide.STORE, KeyEncryptionKey.aes(kekBytes)));
        try (keys;
                CommandRuntime runtime = ctx.verdict.runtime(Math.max(10_000, 4L * s.entities()), false)) {
            EntityHandle<Visit, Integer, VisitEvent> personal = runtime.register(Registration.of(
                    "pdvisit",
                    decider((visit, n) -> new VisitRecorded(visit.patientId(), PersonalData.of(NAME), n, Payloads.AT)),
                    PersonalDataCodec.events(JsonEventCodec.of(VisitEvent.class), keys)));
            EventCodec<PlainVisitEvent> plainCodec = JsonEventCodec.of(PlainVisitEvent.class);
            EntityHandle<Visit, Integer, PlainVisitEvent> plain = runtime.register(Registration.of(
                    "plainvisit",
                    decider((visit, n) -> new PlainVisitRecorded(visit.patientId(), NAME, n, Payloads.AT)),
                    plainCodec));
            String[] ids = new String[s.entities()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = "p" + i;
            }
            Setup.parallel(8, ids.length, i -> {
                VerdictCommands.accepted(personal.handle(ids[i], new Visit(ids[i])));
                VerdictCommands.accepted(plain.handle(ids[i], new Visit(ids[i])));
            });
            for (int c : s.concurrency()) {
                String caseName = "concurrency " + c;
                Map<String, Supplier<Trial>> variants = Pairs.variants();
                variants.put("personal", () -> closedLoop(ctx, personal, ids, c));
                variants.put("plain", () -> closedLoop(ctx, plain, ids, c));
                Map<String, List<Trial>> r = Pairs.run(s, variants);
                result.add(Measurement.throughput(
                        id(), caseName, "Verdict handle, name as PersonalData", "commands/s", r.get("personal")));
                result.add(Measurement.throughput(
                        id(), caseName, "Verdict handle, name as a plain string", "commands/s", r.get("plain")));
                result.add(Ratio.of(
                        id(),
                        caseName,
                        "plain / personal data (commands/s): the cost factor of personal data",
                        r.get("plain"),
                        r.get("personal"),
                        Trial::throughput,
                        Target.atMost(1.1)));
            }
        }
        return result;
    }

    private static <E> Decider<Visit, Integer, E> decider(java.util.function.BiFunction<Visit, Integer, E> event) {
        return Decider.of(0, (visit, visits) -> List.of(event.apply(visit, visits + 1)), (visits, e) -> visits + 1);
    }

    private static <E> Trial closedLoop(
            BenchmarkContext ctx, EntityHandle<Visit, Integer, E> handle, String[] ids, int concurrency) {
        int perWorker = Math.max(1, ids.length / concurrency);
        return Load.closedLoop(concurrency, ctx.settings.window(), (w, i) -> {
            int e = w + concurrency * (int) (i % perWorker);
            VerdictCommands.accepted(handle.handle(ids[e], new Visit(ids[e])));
        });
    }
}
