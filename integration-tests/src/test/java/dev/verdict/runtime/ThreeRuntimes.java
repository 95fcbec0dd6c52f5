package dev.verdict.runtime;

import dev.verdict.runtime.Counter.Event;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EventStore;
import dev.verdict.store.SnapshotStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * {@link RuntimeContract}'s instances without routing: three runtimes, each over a store object of its own on the same
 * stream(s) (as three processes would be), with snapshots; commands go to the instance's own handles.
 */
final class ThreeRuntimes implements RuntimeContract.Instances, AutoCloseable {
    private final List<EventStore> stores = new ArrayList<>();
    private final List<SnapshotStore> snapshots = new ArrayList<>();
    private final List<CommandRuntime> runtimes = new ArrayList<>();
    private final List<EntityHandle<Counter.Command, Counter, Event>> counters = new ArrayList<>();
    private final List<MultiEntityHandle<RuntimeContract.AddToBoth, RuntimeContract.Both, Event>> pairs =
            new ArrayList<>();

    /** @param storeOf the store object of instance {@code i}; @param snapshotsOf its snapshot store */
    ThreeRuntimes(IntFunction<EventStore> storeOf, IntFunction<SnapshotStore> snapshotsOf) {
        for (int i = 0; i < 3; i++) {
            stores.add(storeOf.apply(i));
            snapshots.add(snapshotsOf.apply(i));
            CommandRuntime runtime = CommandRuntime.builder(stores.get(i))
                    .snapshots(snapshots.get(i))
                    .retryPolicy(RetryPolicy.defaults().withMaxAttempts(50))
                    .build();
            runtimes.add(runtime);
            counters.add(runtime.register(RuntimeContract.COUNTERS));
            pairs.add(runtime.register(RuntimeContract.PAIRS));
        }
    }

    @Override
    public RuntimeContract.Sender<Counter.Command, Counter> counters(int instance) {
        EntityHandle<Counter.Command, Counter, Event> handle = counters.get(instance);
        return new RuntimeContract.Sender<>() {
            @Override
            public Outcome<Counter, Event> handle(String id, Counter.Command command, CommandContext context) {
                return handle.handle(id, command, context);
            }

            @Override
            public CompletableFuture<Outcome<Counter, Event>> handleAsync(
                    String id, Counter.Command command, CommandContext context) {
                return handle.handleAsync(id, command, context);
            }
        };
    }

    @Override
    public RuntimeContract.MultiSender pairs(int instance) {
        return pairs.get(instance)::handle;
    }

    @Override
    public EntityHandle<Counter.Command, Counter, Event> handle(int instance) {
        return counters.get(instance);
    }

    @Override
    public EventStore store() {
        return stores.get(0);
    }

    @Override
    public SnapshotStore snapshots() {
        return snapshots.get(0);
    }

    @Override
    public void close() {
        runtimes.forEach(CommandRuntime::close);
    }
}
