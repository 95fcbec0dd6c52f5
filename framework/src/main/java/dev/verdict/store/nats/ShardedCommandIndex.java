package dev.verdict.store.nats;

import dev.verdict.store.CommandIndex;
import dev.verdict.store.CommandRecord;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The command index of a {@link ShardedEventStore}: an outcome is recorded in its entity's shard's bucket; a lookup
 * (by command id alone, which does not tell the shard) asks every shard's bucket at once and answers with the record
 * found. It fails only when no bucket has the record and one of them could not be asked – an unknown answer is never
 * taken for "not seen".
 */
final class ShardedCommandIndex implements CommandIndex {
    private final ShardedEventStore store;
    private final List<NatsCommandIndex> shards;

    ShardedCommandIndex(ShardedEventStore store, List<NatsCommandIndex> shards) {
        this.store = store;
        this.shards = List.copyOf(shards);
    }

    @Override
    public CompletableFuture<Optional<CommandRecord>> find(String commandId) {
        List<CompletableFuture<Optional<CommandRecord>>> asked =
                shards.stream().map(index -> index.find(commandId)).toList();
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).handle((done, failure) -> {
            Throwable first = null;
            for (CompletableFuture<Optional<CommandRecord>> answer : asked) {
                if (answer.isCompletedExceptionally()) {
                    if (first == null) {
                        first = answer.handle((r, e) -> e).join();
                    }
                } else if (answer.join().isPresent()) {
                    return answer.join();
                }
            }
            if (first != null) {
                throw first instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(first);
            }
            return Optional.<CommandRecord>empty();
        });
    }

    @Override
    public void record(CommandRecord record) {
        shards.get(store.shardOf(record.entity())).record(record);
    }

    @Override
    public String toString() {
        return "command index of " + store;
    }
}
