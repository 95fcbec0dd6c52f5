package dev.verdict.store;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Remembers the outcome of every command id for a retention period, next to the event store, so that a command re-sent
 * after any delay, restart or snapshot within that period is answered with its original outcome and never stored
 * twice (the server's own deduplication by message id lasts only its duplicate window, two minutes by default).
 *
 * <p>The command runtime consults it when its in-memory memory of recent commands does not know a command id, and
 * records every outcome after the fact. Guarantees of implementations: {@link #find} answers from the latest state
 * (on NATS: the stream leader of the index's bucket), and {@link #record} never throws and never blocks the caller on
 * the network – a record that could not be written is logged and counted.
 *
 * <pre>{@code
 * CommandIndex index = NatsCommandIndex.create(nc, NatsEventStoreConfig.of("pharmacy"));
 * CommandRuntime runtime = CommandRuntime.builder(store).commandIndex(index).build();
 * }</pre>
 */
public interface CommandIndex {

    /**
     * The recorded outcome of the command id, or empty when it is unknown (never seen, or recorded longer ago than the
     * retention). The future fails with {@link EventStoreUnavailable} when the index cannot be asked.
     */
    CompletableFuture<Optional<CommandRecord>> find(String commandId);

    /** Records an outcome, replacing an earlier record of the same command id. Asynchronous; never throws. */
    void record(CommandRecord record);
}
