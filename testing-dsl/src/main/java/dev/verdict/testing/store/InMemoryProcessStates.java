package dev.verdict.testing.store;

import dev.verdict.store.ProcessStates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ProcessStates} in memory, so a process manager runs on the test kit's store without NATS. Like the NATS
 * bucket: one revision counter for all keys (a deleted entry keeps the revision of its deletion), writes are
 * compare-and-set on it, reads answer the latest write. It counts reads and writes of instance states, so a test can
 * check that applying an event touches one instance. Thread-safe.
 *
 * <pre>{@code
 * InMemoryProcessStates states = new InMemoryProcessStates();
 * ProcessProjection<OrderEvent, Saga, PaymentCommand> host =
 *         ProcessProjection.builder(states, "payments", payments, stateCodec, router, sender).build();
 * host.apply(event);
 * states.instanceWrites();   // 1
 * }</pre>
 */
public final class InMemoryProcessStates implements ProcessStates {
    private record Entry(Object value, long revision) {}

    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, LegacyState> legacy = new HashMap<>();
    private final Map<String, String> identities = new HashMap<>();
    private long revision;
    private final AtomicLong instanceReads = new AtomicLong();
    private final AtomicLong instanceWrites = new AtomicLong();

    @Override
    public synchronized Versioned<Checkpoint> checkpoint(String process, String partition) {
        return read("c/" + process + "/" + partition, Checkpoint.class);
    }

    @Override
    public synchronized OptionalLong writeCheckpoint(
            String process, String partition, Checkpoint checkpoint, long expectedRevision) {
        return write("c/" + process + "/" + partition, Objects.requireNonNull(checkpoint), expectedRevision);
    }

    @Override
    public synchronized List<String> partitions(String process) {
        String prefix = "c/" + process + "/";
        List<String> partitions = new ArrayList<>();
        entries.forEach((key, entry) -> {
            if (key.startsWith(prefix) && entry.value() != null) {
                partitions.add(key.substring(prefix.length()));
            }
        });
        return partitions;
    }

    @Override
    public synchronized Versioned<InstanceState> instance(String process, String instance) {
        instanceReads.incrementAndGet();
        return read("i/" + process + "/" + instance, InstanceState.class);
    }

    @Override
    public synchronized OptionalLong writeInstance(
            String process, String instance, InstanceState state, long expectedRevision) {
        instanceWrites.incrementAndGet();
        return write("i/" + process + "/" + instance, Objects.requireNonNull(state), expectedRevision);
    }

    @Override
    public synchronized OptionalLong deleteInstance(String process, String instance, long expectedRevision) {
        instanceWrites.incrementAndGet();
        return write("i/" + process + "/" + instance, null, expectedRevision);
    }

    @Override
    public synchronized Optional<LegacyState> legacy(String process) {
        return Optional.ofNullable(legacy.get(process));
    }

    /** Puts an entry as the previous release stored it (one per process), to test an upgrade. */
    public synchronized void putLegacy(String process, LegacyState state) {
        legacy.put(Objects.requireNonNull(process), Objects.requireNonNull(state));
    }

    @Override
    public synchronized Optional<String> streamIdentity(String process) {
        return Optional.ofNullable(identities.get(process));
    }

    @Override
    public synchronized void recordStreamIdentity(String process, String identity) {
        identities.put(Objects.requireNonNull(process), Objects.requireNonNull(identity));
    }

    /** Instances of the process with a state (running: not ended). */
    public synchronized long instanceCount(String process) {
        String prefix = "i/" + process + "/";
        return entries.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && e.getValue().value() != null)
                .count();
    }

    /** Reads of instance states so far. */
    public long instanceReads() {
        return instanceReads.get();
    }

    /** Writes (and deletions) of instance states so far, refused ones included. */
    public long instanceWrites() {
        return instanceWrites.get();
    }

    private <T> Versioned<T> read(String key, Class<T> type) {
        Entry e = entries.get(key);
        if (e == null) {
            return new Versioned<>(Optional.empty(), 0);
        }
        return new Versioned<>(Optional.ofNullable(e.value()).map(type::cast), e.revision());
    }

    private OptionalLong write(String key, Object value, long expectedRevision) {
        Entry e = entries.get(key);
        long current = e == null ? 0 : e.revision();
        if (current != expectedRevision) {
            return OptionalLong.empty();
        }
        revision++;
        entries.put(key, new Entry(value, revision));
        return OptionalLong.of(revision);
    }
}
