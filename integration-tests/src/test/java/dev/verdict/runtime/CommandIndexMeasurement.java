package dev.verdict.runtime;

import dev.verdict.runtime.Counter.Add;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsCommandIndex;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the command-id index costs warm commands (cached entities, fresh command ids): latency of one thread and
 * throughput of 16, with and without the index, interleaved. Opt-in: {@code mvn verify -pl integration-tests -am
 * -Dverdict.measure=true -Dtest=CommandIndexMeasurement}. Results are logged; docs/benchmarks.md records them.
 */
@EnabledIfSystemProperty(named = "verdict.measure", matches = "true")
class CommandIndexMeasurement {
    private static final Logger LOG = LoggerFactory.getLogger(CommandIndexMeasurement.class);
    private static final int ENTITIES = 100;
    private static final int COMMANDS = 2_000;

    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Test
    void measuresWarmCommandsWithAndWithoutTheIndex() throws Exception {
        try (Connection nc = NATS.server().connect()) {
            for (int repeat = 0; repeat < 3; repeat++) {
                for (boolean indexed : new boolean[] {false, true}) {
                    NatsEventStoreConfig config = NatsEventStoreConfig.builder()
                            .storeName(StoreName.of("cost" + repeat + indexed))
                            .build();
                    CommandRuntime.Builder builder = CommandRuntime.builder(NatsEventStore.create(nc, config));
                    if (indexed) {
                        builder.commandIndex(NatsCommandIndex.create(nc, config));
                    }
                    try (CommandRuntime runtime = builder.build()) {
                        EntityHandle<Counter.Command, Counter, Event> counters =
                                runtime.register("counter", Counter.DECIDER, Counter.EVENTS);
                        for (int e = 0; e < ENTITIES; e++) {
                            counters.handle("c" + e, new Add(1)); // warm the cache
                        }
                        long[] nanos = new long[COMMANDS];
                        for (int i = 0; i < COMMANDS; i++) {
                            long start = System.nanoTime();
                            counters.handle("c" + (i % ENTITIES), new Add(1));
                            nanos[i] = System.nanoTime() - start;
                        }
                        Arrays.sort(nanos);
                        ExecutorService pool = Executors.newFixedThreadPool(16);
                        long start = System.nanoTime();
                        List<Future<?>> done = new ArrayList<>();
                        for (int t = 0; t < 16; t++) {
                            int thread = t;
                            done.add(pool.submit(() -> {
                                for (int i = 0; i < COMMANDS / 4; i++) {
                                    // each thread owns its entities: no conflicts
                                    counters.handle("c" + (thread + 16 * (i % 6)), new Add(1));
                                }
                            }));
                        }
                        for (Future<?> f : done) {
                            f.get();
                        }
                        double seconds = (System.nanoTime() - start) / 1e9;
                        pool.shutdown();
                        LOG.info(
                                "repeat {}, index {}: 1 thread median {} µs, p90 {} µs; 16 threads {} commands/s",
                                repeat,
                                indexed ? "on" : "off",
                                nanos[COMMANDS / 2] / 1000,
                                nanos[COMMANDS * 9 / 10] / 1000,
                                Math.round(16 * (COMMANDS / 4) / seconds));
                    }
                }
            }
        }
    }
}
