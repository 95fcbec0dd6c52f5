package dev.verdict.testing.store;

import dev.verdict.store.CommandIndex;
import dev.verdict.store.CommandRecord;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link CommandIndex} in memory, for tests of idempotency without NATS: remembers every record forever (no
 * retention), counts lookups and records so a test can prove the runtime did (or did not) ask it, and can {@link
 * #forget} a record to simulate one that expired or was never written. Thread-safe.
 *
 * <pre>{@code
 * InMemoryCommandIndex index = new InMemoryCommandIndex();
 * CommandRuntime runtime = CommandRuntime.builder(InMemoryEventStore.create()).commandIndex(index).build();
 * // ... handle commands ...
 * index.lookups();            // how often the runtime had to ask
 * }</pre>
 */
public final class InMemoryCommandIndex implements CommandIndex {
    private final Map<String, CommandRecord> records = new ConcurrentHashMap<>();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();

    @Override
    public CompletableFuture<Optional<CommandRecord>> find(String commandId) {
        Objects.requireNonNull(commandId, "commandId");
        lookups.incrementAndGet();
        return CompletableFuture.completedFuture(Optional.ofNullable(records.get(commandId)));
    }

    @Override
    public void record(CommandRecord record) {
        Objects.requireNonNull(record, "record");
        writes.incrementAndGet();
        records.put(record.commandId(), record);
    }

    /** The record of a command id, if any (for assertions). */
    public Optional<CommandRecord> get(String commandId) {
        return Optional.ofNullable(records.get(commandId));
    }

    /** Removes the record of a command id, as if it had expired. */
    public void forget(String commandId) {
        records.remove(commandId);
    }

    /** How many lookups were made. */
    public long lookups() {
        return lookups.get();
    }

    /** How many records were written (including rewrites of the same id). */
    public long writes() {
        return writes.get();
    }
}
