package dev.verdict.benchmarks;

import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.store.Category;
import dev.verdict.store.nats.NatsRecordedEvents;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Verdict side of scenarios 6 and 8: an in-memory projection (events and quantity per entity) run by a {@link
 * ProjectionRunner} on an ephemeral consumer from the first event until it reports caught up.
 */
final class VerdictProjection implements AutoCloseable {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final BenchmarkContext ctx;

    private VerdictProjection(BenchmarkContext ctx) {
        this.ctx = ctx;
    }

    static VerdictProjection open(BenchmarkContext ctx) {
        return new VerdictProjection(ctx);
    }

    boolean available() {
        return true;
    }

    String why() {
        return "";
    }

    /** Writes the events into category {@code category} and returns the filter subject a raw reader uses for them. */
    String prepare(String category, int events, int entities) {
        ctx.verdict.fill(category, i -> "e" + (i % entities), events, entities);
        return SubjectFilter.category(ctx.verdict.storeName(), Category.of(category))
                .subjects()
                .get(0);
    }

    /**
     * The in-memory read model: per entity, how many events and how much was dispensed, with its checkpoint in
     * memory (like {@code ViewProjection}, but keyed by the entity of each delivered event).
     */
    static final class Tally implements Projection<PrescriptionEvent> {
        private final String name = "bench-" + NAMES.incrementAndGet();
        final Map<String, long[]> perEntity = new HashMap<>();
        long events;
        long position;

        @Override
        public String name() {
            return name;
        }

        @Override
        public OptionalLong checkpoint() {
            return OptionalLong.of(position);
        }

        @Override
        public void apply(DeliveredEvent<PrescriptionEvent> delivered) {
            if (delivered.sequence() <= position) {
                return;
            }
            long[] t =
                    perEntity.computeIfAbsent(delivered.recorded().entity().id().value(), k -> new long[2]);
            t[0]++;
            if (delivered.event() instanceof PrescriptionEvent.DrugDispensed d) {
                t[1] += d.quantity();
            }
            events++;
            position = delivered.sequence();
        }

        @Override
        public void reset() {
            perEntity.clear();
            events = 0;
            position = 0;
        }
    }

    /** A runner of a fresh in-memory projection over the category, on an ephemeral consumer. */
    ProjectionRunner<PrescriptionEvent> runner(String category, Tally tally) {
        return NatsProjections.runner(
                        ctx.verdictConnection,
                        SubjectFilter.category(ctx.verdict.storeName(), Category.of(category)),
                        ctx.verdict.codec,
                        message -> NatsRecordedEvents.fromMessage(ctx.verdict.storeName(), message),
                        tally)
                .ephemeral()
                .build();
    }

    /** One catch-up from the first event of the category; one operation per event. */
    Trial catchUp(String category, int events) {
        Tally tally = new Tally();
        ProjectionRunner<PrescriptionEvent> runner = runner(category, tally);
        long start = System.nanoTime();
        try {
            runner.start();
            runner.caughtUp().get(300, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new BenchmarkFailed("projection did not catch up: " + e, e);
        } finally {
            runner.stop();
        }
        long elapsed = System.nanoTime() - start;
        if (tally.events != events) {
            throw new BenchmarkFailed("projection applied " + tally.events + " events, expected " + events, null);
        }
        LatencySamples one = new LatencySamples();
        one.add(elapsed);
        return new Trial(events, elapsed, one, Map.of());
    }

    @Override
    public void close() {}
}
