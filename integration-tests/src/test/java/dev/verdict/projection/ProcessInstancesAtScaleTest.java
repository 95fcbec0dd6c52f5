package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.ProcessManager;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ProcessStates;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsProcessStates;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.api.StreamState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 24's acceptance for process instances at scale – heavy, so opt-in ({@code -Dverdict.acceptance=true}): a
 * process with one instance per counter is driven on a real server to 1,000, 10,000 and 100,000 instances ({@code
 * -Dverdict.acceptance.instances} sets the last), through {@link ProcessProjection}'s own path (4 partitions, a host
 * per partition, as 4 service instances would). At each size, 400 more events to existing instances are applied and
 * every call to the {@link ProcessStates} port is counted: each event reads and writes exactly one instance entry,
 * whatever the number of instances; the bytes the state bucket holds per instance stay the same. The figures are
 * printed and recorded in docs/projections.md.
 *
 * <pre>
 * mvn -B -ntp verify -pl integration-tests -am -Dverdict.acceptance=true \
 *     -Dtest='ProcessInstancesAtScaleTest' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(
        named = "verdict.acceptance",
        matches = "true",
        disabledReason = "heavy acceptance test (issue 24, minutes): run with -Dverdict.acceptance=true")
class ProcessInstancesAtScaleTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final String PROCESS = "totals";
    private static final int PARTITIONS = 4;
    private static final int SAMPLE = 400;

    /** The total of each counter: one instance per counter, never ending, no commands. */
    static final class Totals implements ProcessManager<CounterEvent, Long, String> {
        @Override
        public Long initialState() {
            return 0L;
        }

        @Override
        public Long evolve(Long state, CounterEvent event) {
            return event instanceof CounterEvent.Added a ? state + a.amount() : 0L;
        }

        @Override
        public List<String> react(Long state, CounterEvent event) {
            return List.of();
        }

        @Override
        public List<String> instancesOf(CounterEvent event) {
            return List.of(event.counter());
        }
    }

    @Test
    void eachEventReadsAndWritesOneInstanceAndTheBytesPerInstanceStayTheSame() throws Exception {
        int last = Integer.getInteger("verdict.acceptance.instances", 100_000);
        Connection nc = NATS.connection();
        Counting states = new Counting(NatsProcessStates.open(nc));
        List<ProcessProjection<CounterEvent, Long, String>> hosts = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            hosts.add(ProcessProjection.of(
                    states,
                    PROCESS,
                    new Totals(),
                    JsonStateCodec.of(Long.class),
                    command -> EntityRef.of("counter", command),
                    (EntityRef target, String command, CommandContext context) -> {}));
        }
        long[] lastSequence = new long[PARTITIONS];
        AtomicLong sequence = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(PARTITIONS);
        List<String> rows = new ArrayList<>();
        try {
            int made = 0;
            Double firstBytes = null;
            for (int size : new int[] {1_000, 10_000, last}) {
                if (size <= made) {
                    continue;
                }
                long started = System.nanoTime();
                List<CounterEvent> creating = new ArrayList<>();
                for (int i = made; i < size; i++) {
                    creating.add(new CounterEvent.Added("c-" + i, 1));
                }
                apply(creating, hosts, lastSequence, sequence, pool);
                double createMillis = (System.nanoTime() - started) / 1e6 / (size - made);
                made = size;

                StreamState bucket = nc.jetStreamManagement()
                        .getStreamInfo("KV_" + NatsProcessStates.BUCKET)
                        .getStreamState();
                double bytesPerInstance = (double) bucket.getByteCount() / size;
                firstBytes = firstBytes == null ? bytesPerInstance : firstBytes;

                Random random = new Random(size);
                List<CounterEvent> sample = new ArrayList<>();
                for (int i = 0; i < SAMPLE; i++) {
                    sample.add(new CounterEvent.Added("c-" + random.nextInt(size), 1));
                }
                states.reset();
                long sampleStarted = System.nanoTime();
                apply(sample, hosts, lastSequence, sequence, pool);
                double sampleMillis = (System.nanoTime() - sampleStarted) / 1e6 / SAMPLE;
                double reads = (double) states.instanceReads.get() / SAMPLE;
                double writes = (double) states.instanceWrites.get() / SAMPLE;
                double checkpointCalls =
                        (double) (states.checkpointReads.get() + states.checkpointWrites.get()) / SAMPLE;
                String row = String.format(
                        "| %,d | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f |",
                        size, bytesPerInstance, reads, writes, checkpointCalls, createMillis, sampleMillis);
                rows.add(row);
                System.out.println("process instances at scale: " + row);

                assertThat(states.instanceReads.get())
                        .as("instance reads for " + SAMPLE + " events at " + size)
                        .isEqualTo(SAMPLE);
                assertThat(states.instanceWrites.get())
                        .as("instance writes for " + SAMPLE + " events at " + size)
                        .isEqualTo(SAMPLE);
                assertThat(states.deletes.get()).isZero();
                assertThat(bytesPerInstance)
                        .as("bucket bytes per instance at " + size)
                        .isBetween(firstBytes * 0.9, firstBytes * 1.1);
            }
            assertThat(hosts.get(0).state("c-0")).isPresent();
        } finally {
            pool.shutdownNow();
        }
        System.out.println("| instances | bucket bytes per instance | instance reads per event | instance writes per"
                + " event | checkpoint reads+writes per event | ms per event (creating) | ms per event (sample) |");
        rows.forEach(System.out::println);
    }

    /** Applies the events, each by the host of its partition, the partitions in parallel (as 4 instances would). */
    private static void apply(
            List<CounterEvent> events,
            List<ProcessProjection<CounterEvent, Long, String>> hosts,
            long[] lastSequence,
            AtomicLong sequence,
            ExecutorService pool)
            throws Exception {
        List<List<DeliveredEvent<CounterEvent>>> byPartition = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            byPartition.add(new ArrayList<>());
        }
        for (CounterEvent event : events) {
            Partition partition = Partition.of(EntityRef.of("counter", event.counter()), PARTITIONS);
            long seq = sequence.incrementAndGet();
            DeliveredEvent<CounterEvent> synthetic = ProcessStatesContract.synthetic(event, seq);
            byPartition
                    .get(partition.index())
                    .add(new DeliveredEvent<>(event, synthetic.recorded(), partition, lastSequence[partition.index()]));
            lastSequence[partition.index()] = seq;
        }
        List<Future<?>> done = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            ProcessProjection<CounterEvent, Long, String> host = hosts.get(p);
            List<DeliveredEvent<CounterEvent>> mine = byPartition.get(p);
            done.add(pool.submit(() -> mine.forEach(host::apply)));
        }
        for (Future<?> f : done) {
            f.get();
        }
    }

    /** The NATS port, with each call counted. */
    private static final class Counting implements ProcessStates {
        private final ProcessStates delegate;
        final AtomicLong instanceReads = new AtomicLong();
        final AtomicLong instanceWrites = new AtomicLong();
        final AtomicLong checkpointReads = new AtomicLong();
        final AtomicLong checkpointWrites = new AtomicLong();
        final AtomicLong deletes = new AtomicLong();

        Counting(ProcessStates delegate) {
            this.delegate = delegate;
        }

        void reset() {
            instanceReads.set(0);
            instanceWrites.set(0);
            checkpointReads.set(0);
            checkpointWrites.set(0);
            deletes.set(0);
        }

        @Override
        public Versioned<Checkpoint> checkpoint(String process, String partition) {
            checkpointReads.incrementAndGet();
            return delegate.checkpoint(process, partition);
        }

        @Override
        public OptionalLong writeCheckpoint(String process, String partition, Checkpoint checkpoint, long expected) {
            checkpointWrites.incrementAndGet();
            return delegate.writeCheckpoint(process, partition, checkpoint, expected);
        }

        @Override
        public List<String> partitions(String process) {
            return delegate.partitions(process);
        }

        @Override
        public Versioned<InstanceState> instance(String process, String instance) {
            instanceReads.incrementAndGet();
            return delegate.instance(process, instance);
        }

        @Override
        public OptionalLong writeInstance(String process, String instance, InstanceState state, long expected) {
            instanceWrites.incrementAndGet();
            return delegate.writeInstance(process, instance, state, expected);
        }

        @Override
        public OptionalLong deleteInstance(String process, String instance, long expected) {
            deletes.incrementAndGet();
            return delegate.deleteInstance(process, instance, expected);
        }

        @Override
        public Optional<LegacyState> legacy(String process) {
            return delegate.legacy(process);
        }

        @Override
        public Optional<String> streamIdentity(String process) {
            return delegate.streamIdentity(process);
        }

        @Override
        public void recordStreamIdentity(String process, String identity) {
            delegate.recordStreamIdentity(process, identity);
        }
    }
}
