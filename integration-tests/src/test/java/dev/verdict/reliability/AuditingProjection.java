package dev.verdict.reliability;

import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.reliability.BoundedCounter.Counter;
import dev.verdict.reliability.BoundedCounter.Event;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A projection that keeps its checkpoint together with its data (in memory, as a database transaction would) and
 * counts every event the runner hands to {@link #apply} – before its own checkpoint check drops a redelivery – so a
 * test can prove "no gaps, no double application" of the runner itself: every event of the stream handed over exactly
 * once, whatever happened to the runner and the servers. The counters are the effect a real projection would keep
 * (each event at most once, thanks to the checkpoint).
 */
final class AuditingProjection implements Projection<Event> {
    private final String name;
    private final Map<Long, Integer> applications = new TreeMap<>();
    private final Map<String, Counter> counters = new HashMap<>();
    private long checkpoint;
    private long redeliveriesIgnored;

    AuditingProjection(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized OptionalLong checkpoint() {
        return OptionalLong.of(checkpoint);
    }

    @Override
    public synchronized void apply(DeliveredEvent<Event> event) {
        applications.merge(event.sequence(), 1, Integer::sum);
        if (event.sequence() <= checkpoint) {
            redeliveriesIgnored++;
            return;
        }
        String id = event.recorded().entity().id().value();
        counters.put(id, BoundedCounter.evolve(counters.getOrDefault(id, Counter.EMPTY), event.event()));
        checkpoint = event.sequence();
    }

    @Override
    public synchronized void reset() {
        applications.clear();
        counters.clear();
        checkpoint = 0;
    }

    /** How often the runner handed each sequence to {@link #apply}, counting redeliveries the checkpoint dropped. */
    synchronized Map<Long, Integer> applications() {
        return new TreeMap<>(applications);
    }

    synchronized Map<String, Counter> counters() {
        return new HashMap<>(counters);
    }

    /** Events handed over again at or below the checkpoint (and dropped): each is also counted in applications. */
    synchronized long redeliveriesIgnored() {
        return redeliveriesIgnored;
    }
}
