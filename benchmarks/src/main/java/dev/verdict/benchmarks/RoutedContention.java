package dev.verdict.benchmarks;

import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionCommand;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.benchmarks.domain.Prescriptions;
import dev.verdict.nats.NatsPartitionOwnership;
import dev.verdict.projection.Partition;
import dev.verdict.routing.CommandCodec;
import dev.verdict.routing.CommandRouting;
import dev.verdict.routing.PartitionOwnership;
import dev.verdict.routing.RoutedCommandFailed;
import dev.verdict.routing.RoutedEntity;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.ConflictRetriesExhausted;
import dev.verdict.runtime.Registration;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Scenario 5 with owner-routed commands (issue 28 item 1): W service instances – each its own connection, runtime and
 * {@link CommandRouting} – send commands to one entity; the instance that owns the entity's partition decides them all,
 * the others forward theirs over request/reply. Against the raw OCC retry loop of scenario 5 in the same run. Then the
 * cost of the extra hop: one writer sends warm, uncontended commands through the owner (decided locally) and through
 * another instance (forwarded), alternately.
 */
final class RoutedContention implements Scenario {
    static final String CATEGORY = "routed";
    private static final int PARTITIONS = 16;
    private static final CommandCodec<PrescriptionCommand> COMMANDS = CommandCodec.json(
            PrescriptionCommand.Order.class,
            PrescriptionCommand.Dispense.class,
            PrescriptionCommand.DispenseAndNotify.class);

    @Override
    public String id() {
        return "5r";
    }

    @Override
    public ScenarioResult run(BenchmarkContext ctx) throws Exception {
        Settings s = ctx.settings;
        int repeats = Math.min(3, s.repeats());
        ScenarioResult result = new ScenarioResult(
                id(),
                "Contention on one entity, owner-routed",
                "W service instances (each its own NATS connection, runtime with cache, and CommandRouting on "
                        + PARTITIONS + " partitions) send commands to the same entity for "
                        + Contention.window(ctx).toMillis() + " ms per repeat; the owner of the entity's partition "
                        + "decides them, the others forward over request/reply. \"gave up\" counts commands whose "
                        + "retries ran out (here or on the owner). Raw: scenario 5's OCC retry loop. Hop: one writer, "
                        + "warm, uncontended entity, a command sent through the owner vs through another instance. "
                        + s.warmups() + " warm-up + " + repeats + " repeats, interleaved.");
        for (int writers : s.contentionWriters()) {
            String caseName = writers + " instances";
            try (Instances instances = new Instances(ctx, writers)) {
                String id = "w" + writers;
                instances.waitForOwner(id);
                instances.get(0).handle(id, Prescriptions.order(Payloads.AT));
                String subject = ctx.raw.stream() + ".hot.routed" + writers;
                ctx.raw.publish(subject, ctx.payloads.ordered, 0, ctx.ids.next());
                Map<String, Supplier<Trial>> variants = Pairs.variants();
                variants.put("routed", () -> instances.trial(id, writers));
                variants.put("raw", () -> Contention.rawTrial(ctx, subject, writers));
                Map<String, List<Trial>> r = Pairs.run(s.warmups(), repeats, variants);
                result.add(Measurement.throughput(
                        id(), caseName, "Verdict, " + writers + " routed instances", "accepted/s", r.get("routed")));
                result.add(Measurement.throughput(id(), caseName, "raw OCC retry loop", "accepted/s", r.get("raw")));
                result.add(Ratio.of(
                        id(),
                        caseName,
                        "Verdict " + writers + " routed instances / raw (accepted/s)",
                        r.get("routed"),
                        r.get("raw"),
                        Trial::throughput,
                        Target.atLeast(1.0)));
                if (writers == s.contentionWriters().get(0)) {
                    hop(ctx, instances, result, repeats);
                }
            }
        }
        return result;
    }

    /** One writer, one warm entity: decided by its owner directly vs forwarded to it by another instance. */
    private void hop(BenchmarkContext ctx, Instances instances, ScenarioResult result, int repeats) throws Exception {
        String id = "hop";
        RoutedEntity<PrescriptionCommand, Prescription, PrescriptionEvent> owner = instances.waitForOwner(id);
        RoutedEntity<PrescriptionCommand, Prescription, PrescriptionEvent> other = instances.notOwning(id);
        owner.handle(id, Prescriptions.order(Payloads.AT));
        PrescriptionCommand dispense = Prescriptions.dispense(Payloads.AT);
        Map<String, Supplier<Trial>> variants = Pairs.variants();
        variants.put("local", () -> Load.closedLoop(1, ctx.settings.window(), (w, i) -> owner.handle(id, dispense)));
        variants.put(
                "forwarded", () -> Load.closedLoop(1, ctx.settings.window(), (w, i) -> other.handle(id, dispense)));
        Map<String, List<Trial>> r = Pairs.run(ctx.settings.warmups(), repeats, variants);
        String caseName = "extra hop (1 writer, warm entity)";
        result.add(Measurement.latency(id(), caseName, "decided on the owner", r.get("local")));
        result.add(Measurement.latency(id(), caseName, "forwarded to the owner", r.get("forwarded")));
        result.add(Ratio.of(
                id(),
                caseName,
                "forwarded / on the owner (median ms)",
                r.get("forwarded"),
                r.get("local"),
                t -> t.latencies().medianMillis(),
                Target.none()));
    }

    /** W instances of a service, each with its own connection, runtime and routing. */
    private static final class Instances implements AutoCloseable {
        private final BenchmarkContext ctx;
        private final List<Connection> connections = new ArrayList<>();
        private final List<PartitionOwnership> owners = new ArrayList<>();
        private final List<CommandRuntime> runtimes = new ArrayList<>();
        private final List<CommandRouting> routings = new ArrayList<>();
        private final List<RoutedEntity<PrescriptionCommand, Prescription, PrescriptionEvent>> entities =
                new ArrayList<>();

        Instances(BenchmarkContext ctx, int count) throws Exception {
            this.ctx = ctx;
            Registration<PrescriptionCommand, Prescription, PrescriptionEvent> registration = Registration.of(
                            CATEGORY, Prescriptions.decider(), ctx.verdict.codec)
                    .withStateCodec(ctx.verdict.stateCodec);
            for (int i = 0; i < count; i++) {
                Connection c = Nats.connect(ctx.server
                        .defaultOptions()
                        .connectionName("routed-" + i)
                        .build());
                connections.add(c);
                CommandRuntime runtime = CommandRuntime.builder(
                                NatsEventStore.create(c, NatsEventStoreConfig.of(VerdictSide.STORE)))
                        .build();
                runtimes.add(runtime);
                PartitionOwnership ownership = NatsPartitionOwnership.builder(c, "bench" + count)
                        .partitions(PARTITIONS)
                        .build();
                owners.add(ownership);
                CommandRouting routing = CommandRouting.start(ownership);
                routings.add(routing);
                entities.add(routing.route(runtime.register(registration), COMMANDS));
            }
        }

        RoutedEntity<PrescriptionCommand, Prescription, PrescriptionEvent> get(int i) {
            return entities.get(i);
        }

        private int partition(String id) {
            return Partition.of(EntityRef.of(CATEGORY, id), PARTITIONS).index();
        }

        RoutedEntity<PrescriptionCommand, Prescription, PrescriptionEvent> waitForOwner(String id)
                throws InterruptedException {
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < end) {
                for (int i = 0; i < routings.size(); i++) {
                    if (owns(i, id)) {
                        return entities.get(i);
                    }
                }
                Thread.sleep(20);
            }
            throw new BenchmarkFailed("no instance owns the partition of " + id + " after 30 s", null);
        }

        RoutedEntity<PrescriptionCommand, Prescription, PrescriptionEvent> notOwning(String id) {
            for (int i = 0; i < routings.size(); i++) {
                if (!owns(i, id)) {
                    return entities.get(i);
                }
            }
            throw new BenchmarkFailed("every instance owns the partition of " + id, null);
        }

        private boolean owns(int instance, String id) {
            return owners.get(instance).owns(partition(id));
        }

        Trial trial(String id, int writers) {
            PrescriptionCommand dispense = Prescriptions.dispense(Payloads.AT);
            LongAdder gaveUp = new LongAdder();
            LongAdder unavailable = new LongAdder();
            double forwardedBefore = forwarded();
            Trial t = Load.closedLoop(writers, Contention.window(ctx), (w, i) -> {
                try {
                    entities.get(w).handle(id, dispense);
                } catch (ConflictRetriesExhausted e) {
                    gaveUp.increment();
                } catch (RoutedCommandFailed e) {
                    if (String.valueOf(e.getMessage()).contains(ConflictRetriesExhausted.class.getSimpleName())) {
                        gaveUp.increment();
                    } else {
                        unavailable.increment();
                    }
                } catch (EventStoreUnavailable e) {
                    unavailable.increment();
                }
            });
            long accepted = t.operations() - gaveUp.sum() - unavailable.sum();
            double commands = Math.max(1, t.operations());
            return new Trial(accepted, t.elapsedNanos(), t.latencies(), t.counters())
                    .withCounter("gave up/command", gaveUp.sum() / commands)
                    .withCounter("store unavailable/command", unavailable.sum() / commands)
                    .withCounter("forwarded/command", (forwarded() - forwardedBefore) / commands);
        }

        private double forwarded() {
            return routings.stream().mapToLong(r -> r.counts().forwarded()).sum();
        }

        @Override
        public void close() {
            routings.forEach(CommandRouting::close);
            runtimes.forEach(CommandRuntime::close);
            for (Connection c : connections) {
                try {
                    c.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
