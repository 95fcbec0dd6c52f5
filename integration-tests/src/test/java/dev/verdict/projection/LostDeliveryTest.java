package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.View;
import dev.verdict.nats.NatsProjections;
import dev.verdict.reliability.CuttableProxy;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServerExtension;
import dev.verdict.testing.nats.QuietErrorListener;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerInfo;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deliveries the server made that never reached the runner, lost for real: the runner's connection goes through a
 * {@link CuttableProxy} that discards the server's bytes for a while (the server counts the message as delivered).
 */
class LostDeliveryTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    /**
     * Finding 6: an ephemeral (per-instance) feed has no acknowledgements, so the server never redelivers; a delivery
     * lost at the tail – no later delivery shows a jump in consumer sequences – must be read from the stream, and the
     * runner must not report itself caught up without it.
     */
    @Test
    void aPerInstanceFeedRecoversADeliveryLostAtTheTail() throws Exception {
        String name = "tail-lost";
        Connection admin = NATS.server().connect();
        EventStreamFixture stream = new EventStreamFixture(admin, name);
        SubjectFilter filter = SubjectFilter.category(StoreName.of(name), Category.of("counter"));
        try (CuttableProxy proxy =
                        new CuttableProxy(URI.create(NATS.server().url()).getPort());
                Connection viaProxy = connect(proxy)) {
            ViewProjection<Integer, CounterEvent> count = ViewProjection.of("count", View.of(0, (n, e) -> n + 1));
            ProjectionRunner<CounterEvent> runner = NatsProjections.runner(viaProxy, filter, new CounterCodec(), count)
                    .ephemeral()
                    .build();
            stream.append(List.of(new CounterEvent.Added("c1", 1), new CounterEvent.Added("c2", 2)));
            runner.start();
            try {
                runner.caughtUp().get(10, TimeUnit.SECONDS);
                assertThat(count.state()).isEqualTo(2);

                proxy.dropAnswers(true);
                long lost =
                        stream.append(List.of(new CounterEvent.Added("c1", 3))).get(0);
                JetStreamManagement jsm = admin.jetStreamManagement();
                String consumer = jsm.getConsumerNames(name).get(0);
                await(Duration.ofSeconds(5), () -> delivered(jsm, name, consumer) >= lost);
                Thread.sleep(200); // the message's bytes are read (and discarded) by the proxy
                proxy.dropAnswers(false);
                assertThat(delivered(jsm, name, consumer)).isEqualTo(lost);
                assertThat(jsm.getConsumerInfo(name, consumer).getNumPending()).isZero();

                // the server will never send it again: the runner must read it from the stream by itself
                await(Duration.ofSeconds(8), () -> count.state() == 3);
                await(Duration.ofSeconds(3), () -> runner.status().caughtUp());
                assertThat(runner.status().position()).isEqualTo(lost);
                assertThat(count.state()).isEqualTo(3);
            } finally {
                runner.stop();
            }
        } finally {
            admin.close();
        }
    }

    static long delivered(JetStreamManagement jsm, String stream, String consumer) {
        try {
            ConsumerInfo info = jsm.getConsumerInfo(stream, consumer);
            return info.getDelivered().getStreamSequence();
        } catch (Exception e) {
            return -1;
        }
    }

    static Connection connect(CuttableProxy proxy) throws Exception {
        return Nats.connect(Options.builder()
                .server(proxy.url())
                .ignoreDiscoveredServers()
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100))
                .errorListener(new QuietErrorListener())
                .build());
    }

    static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
