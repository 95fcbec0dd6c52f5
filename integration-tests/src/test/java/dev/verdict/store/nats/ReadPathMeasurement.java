package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.PublishAck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the read paths for one entity (batch direct get vs consumers) on a stream where the entity's events are
 * interleaved with 100,000 others. Opt-in: {@code mvn verify -pl integration-tests -am -Dverdict.measure=true
 * -Dtest=ReadPathMeasurement}. Results are logged; docs/nats-mapping.md records them.
 */
@EnabledIfSystemProperty(named = "verdict.measure", matches = "true")
class ReadPathMeasurement {
    private static final Logger LOG = LoggerFactory.getLogger(ReadPathMeasurement.class);

    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Test
    void measuresReadPaths() throws Exception {
        try (Connection nc = NATS.server().connect()) {
            NatsEventStore store = NatsEventStore.create(nc, NatsEventStoreConfig.of("measure"));
            JetStream js = nc.jetStream();
            EntityRef sparse = EntityRef.of("m", "sparse");
            EntityRef dense = EntityRef.of("m", "dense");
            EntityRef longOne = EntityRef.of("m", "long");
            long sparseVersion = 0;
            for (int round = 0; round < 10; round++) {
                List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    acks.add(js.publishAsync("measure.noise.n" + (i % 1000), payload()));
                }
                CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).get();
                sparseVersion = store.append(sparse, sparseVersion, List.of(event()), CommandContext.create())
                        .version();
            }
            List<EncodedEvent> ten = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ten.add(event());
            }
            store.append(dense, 0, ten, CommandContext.create());
            long v = 0;
            for (int b = 0; b < 10; b++) {
                List<EncodedEvent> thousand = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    thousand.add(event());
                }
                v = store.append(longOne, v, thousand, CommandContext.create()).version();
            }
            LOG.info(
                    "stream has {} messages",
                    nc.jetStreamManagement()
                            .getStreamInfo("measure")
                            .getStreamState()
                            .getMsgCount());

            StreamContext sc = nc.getStreamContext("measure");
            JetStreamManagement jsm = nc.jetStreamManagement();
            for (EntityRef e : List.of(sparse, dense, longOne)) {
                String subject = e.subject("measure");
                long last = store.version(e);
                int expected = e == longOne ? 10_000 : 10;
                int runs = e == longOne ? 15 : 40;
                report(e + " version()", runs, () -> store.version(e) > 0 ? 1 : 0, 1);
                report(
                        e + " store.read (direct ≤256, then consumer)",
                        runs,
                        () -> store.read(e, ReadRange.all(), x -> {}).eventsRead(),
                        expected);
                for (int page : new int[] {100, 10_000}) {
                    DirectBatchReader reader = new DirectBatchReader(nc, "measure", Duration.ofSeconds(5), page);
                    report(
                            e + " direct batch page " + page,
                            runs,
                            () -> {
                                long[] n = {0};
                                reader.scan(subject, 1, info -> ++n[0] < expected);
                                return n[0];
                            },
                            expected);
                }
                report(e + " ordered consumer", runs, () -> orderedConsumer(sc, subject, last), expected);
                report(
                        e + " ephemeral consumer AckNone",
                        runs,
                        () -> ephemeralConsumer(jsm, sc, subject, last),
                        expected);
            }
        }
    }

    private static long orderedConsumer(StreamContext sc, String subject, long last) throws Exception {
        OrderedConsumerContext occ = sc.createOrderedConsumer(
                new OrderedConsumerConfiguration().filterSubject(subject).deliverPolicy(DeliverPolicy.All));
        long n = 0;
        try (IterableConsumer it = occ.iterate()) {
            while (true) {
                Message m = it.nextMessage(Duration.ofSeconds(5));
                if (m == null) {
                    throw new IllegalStateException("timeout");
                }
                n++;
                if (m.metaData().streamSequence() >= last) {
                    return n;
                }
            }
        }
    }

    private static long ephemeralConsumer(JetStreamManagement jsm, StreamContext sc, String subject, long last)
            throws Exception {
        String name = "read-" + System.nanoTime();
        jsm.createConsumer(
                "measure",
                ConsumerConfiguration.builder()
                        .name(name)
                        .filterSubject(subject)
                        .deliverPolicy(DeliverPolicy.ByStartSequence)
                        .startSequence(1)
                        .ackPolicy(AckPolicy.None)
                        .memStorage(true)
                        .numReplicas(1)
                        .inactiveThreshold(Duration.ofSeconds(10))
                        .build());
        try {
            ConsumerContext cc = sc.getConsumerContext(name);
            long n = 0;
            try (IterableConsumer it = cc.iterate()) {
                while (true) {
                    Message m = it.nextMessage(Duration.ofSeconds(5));
                    if (m == null) {
                        throw new IllegalStateException("timeout");
                    }
                    n++;
                    if (m.metaData().streamSequence() >= last) {
                        return n;
                    }
                }
            }
        } finally {
            jsm.deleteConsumer("measure", name);
        }
    }

    interface Read {
        long run() throws Exception;
    }

    private static void report(String what, int runs, Read read, long expected) throws Exception {
        for (int i = 0; i < 3; i++) {
            read.run(); // warm-up
        }
        long[] micros = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            long n = read.run();
            micros[i] = (System.nanoTime() - t0) / 1000;
            assertThat(n).isEqualTo(expected);
        }
        Arrays.sort(micros);
        LongSupplier median = () -> micros[runs / 2];
        LOG.info(String.format(
                "%-50s median %8.2f ms  p90 %8.2f ms  (min %.2f, %d runs)",
                what, median.getAsLong() / 1000.0, micros[runs * 9 / 10] / 1000.0, micros[0] / 1000.0, runs));
    }

    private static byte[] payload() {
        byte[] b = new byte[256];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    private static EncodedEvent event() {
        return new EncodedEvent(
                "Measured", 1, ("{\"pad\":\"" + "x".repeat(240) + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
