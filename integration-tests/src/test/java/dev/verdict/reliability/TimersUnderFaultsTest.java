package dev.verdict.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.process.CommandSender;
import dev.verdict.projection.timers.TimerReactions;
import dev.verdict.reliability.BoundedCounter.Command;
import dev.verdict.reliability.BoundedCounter.Counter;
import dev.verdict.reliability.BoundedCounter.Event;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventSubject;
import dev.verdict.store.TimerFired;
import dev.verdict.store.TimerRef;
import dev.verdict.store.codec.TimerFiredCodec;
import dev.verdict.store.nats.NatsEventHeaders;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsTimers;
import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.MessageInfo;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Durable timers fire exactly once into their handler across an instance killed and a server restart: N timers over
 * several instances, two service instances each running the owner's {@link TimerReactions} on a durable runner; the
 * active one loses its connection for good (its proxy is closed – a killed instance) and the server is restarted
 * while the timers fall due. Each timer adds one to its instance's counter with the command id of its firing; the
 * test reads the stored events: every live timer's command exactly once, none before its due instant, none late by
 * more than {@link #LATE_BOUND}; cancelled timers and the replaced due instants never.
 */
class TimersUnderFaultsTest {
    static {
        PatientServerStarts.apply();
    }

    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final String OWNER = "alarm";
    private static final int INSTANCES = 12;
    private static final int PER_INSTANCE = 5;
    private static final Duration DOWN = Duration.ofSeconds(2);
    /** Documented in docs/nats-mapping.md: the outage, the fail-over to the other instance and the scheduler's second. */
    static final Duration LATE_BOUND = Duration.ofSeconds(12);

    /**
     * Instance A stops right after sending its third command, before its runner acknowledges the firing – as an
     * instance killed between the command and the ack – so that firing is delivered again to instance B.
     */
    private static final java.util.concurrent.CountDownLatch HOLD_A = new java.util.concurrent.CountDownLatch(1);

    /** Counted down when instance A holds: B starts only then, so A is the active instance until it is cut off. */
    private static final java.util.concurrent.CountDownLatch A_HOLDS = new java.util.concurrent.CountDownLatch(1);

    /** Commands sent by both instances' reactions: more than the timers when firings were delivered again. */
    private static final java.util.concurrent.atomic.AtomicInteger SENT =
            new java.util.concurrent.atomic.AtomicInteger();

    @Test
    void everyLiveTimerFiresOnceNeverEarlyAndNoCancelledOneFires() throws Exception {
        NatsServer server = NATS.server();
        NatsEventStoreConfig config = NatsEventStoreConfig.builder()
                .storeName(dev.verdict.store.StoreName.of("timerfaults"))
                .requestTimeout(Duration.ofSeconds(2))
                .build();
        int port = URI.create(server.url()).getPort();
        CuttableProxy proxy = new CuttableProxy(port);
        try (Connection viaProxy = Nats.connect(Options.builder()
                        .server(proxy.url())
                        .ignoreDiscoveredServers()
                        .maxReconnects(-1)
                        .reconnectWait(Duration.ofMillis(100))
                        .build());
                Connection direct = server.connect();
                Connection scheduler = server.connect()) {
            NatsEventStore storeA = NatsEventStore.create(viaProxy, config);
            NatsEventStore storeB = NatsEventStore.create(direct, config);
            NatsTimers timers = NatsTimers.create(scheduler, config);

            // schedule: due from 4 s to 10 s ahead; some cancelled, some replaced
            Instant start = Instant.now();
            Map<String, Instant> expected = new HashMap<>(); // command id -> due
            Set<String> never = new HashSet<>();
            Set<TimerRef> cancelled = new HashSet<>();
            int n = 0;
            for (int i = 0; i < INSTANCES; i++) {
                for (int t = 0; t < PER_INSTANCE; t++) {
                    TimerRef ref = TimerRef.of(OWNER, "c-" + i, "t" + t);
                    Instant due = start.plusMillis(4000 + (n++ * 6000L) / (INSTANCES * PER_INSTANCE));
                    timers.schedule(ref, due);
                    if (t == 0) {
                        assertThat(timers.cancel(ref)).isTrue();
                        cancelled.add(ref);
                        never.add(new TimerFired(ref, due, start).commandId());
                    } else if (t == 1) {
                        Instant later = due.plusMillis(1500);
                        timers.schedule(ref, later);
                        never.add(new TimerFired(ref, due, start).commandId());
                        expected.put(new TimerFired(ref, later, start).commandId(), later);
                    } else {
                        expected.put(new TimerFired(ref, due, start).commandId(), due);
                    }
                }
            }
            // (some may have fired already on a loaded machine, so no count here)
            assertThat(timers.list(OWNER))
                    .extracting(dev.verdict.store.ScheduledTimer::ref)
                    .doesNotContainAnyElementsOf(cancelled);

            try (CommandRuntime runtimeA = CommandRuntime.builder(storeA).build();
                    CommandRuntime runtimeB = CommandRuntime.builder(storeB).build()) {
                ProjectionRunner<TimerFired> a = runner(viaProxy, config, runtimeA, 3);
                ProjectionRunner<TimerFired> b = runner(direct, config, runtimeB, Integer.MAX_VALUE);
                try {
                    a.start();
                    assertThat(A_HOLDS.await(30, java.util.concurrent.TimeUnit.SECONDS))
                            .as("instance A sent its third command")
                            .isTrue();
                    b.start();
                    Thread.sleep(Math.max(
                            0,
                            Duration.between(Instant.now(), start.plusMillis(6000))
                                    .toMillis()));
                    proxy.close(); // instance A is gone for good, mid-way through the firings
                    Thread.sleep(1000);
                    server.stop();
                    Thread.sleep(DOWN.toMillis());
                    server.start();

                    Map<String, List<Instant>> stored = awaitStored(direct, config, expected.size());
                    Thread.sleep(2000); // a late duplicate would show up here
                    stored = storedByCommandId(direct, config);

                    assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
                    Duration latest = Duration.ZERO;
                    for (Map.Entry<String, List<Instant>> e : stored.entrySet()) {
                        assertThat(e.getValue()).as("events of " + e.getKey()).hasSize(1);
                        Instant due = expected.get(e.getKey());
                        Instant at = e.getValue().get(0);
                        assertThat(at).as("stored time of " + e.getKey()).isAfterOrEqualTo(due);
                        Duration late = Duration.between(due, at);
                        latest = late.compareTo(latest) > 0 ? late : latest;
                    }
                    assertThat(latest).isLessThanOrEqualTo(LATE_BOUND);
                    assertThat(stored.keySet()).doesNotContainAnyElementsOf(never);
                    assertThat(timers.list(OWNER)).isEmpty();
                    assertThat(SENT.get())
                            .as("commands sent, with the held firing sent again by B")
                            .isGreaterThan(expected.size());
                    System.out.println("timers under faults: " + expected.size() + " fired once each, latest "
                            + latest.toMillis() + " ms after due, " + SENT.get() + " sends");
                } finally {
                    HOLD_A.countDown();
                    a.stop();
                    b.stop();
                }
            }
        } finally {
            proxy.close();
        }
    }

    private static ProjectionRunner<TimerFired> runner(
            Connection nc, NatsEventStoreConfig config, CommandRuntime runtime, int holdAfter) {
        java.util.concurrent.atomic.AtomicInteger sentHere = new java.util.concurrent.atomic.AtomicInteger();
        EntityHandle<Command, Counter, Event> counters =
                runtime.register(Registration.of("counter", BoundedCounter.decider(), BoundedCounter.CODEC));
        TimerReactions<Command> reactions = TimerReactions.of(
                OWNER,
                fired -> List.of(TimerReactions.command(
                        EntityRef.of("counter", fired.ref().instance()), new BoundedCounter.Add(1))),
                (target, command, context) -> {
                    SENT.incrementAndGet();
                    CommandSender.via(counters).send(target, command, context);
                    if (sentHere.incrementAndGet() == holdAfter) {
                        A_HOLDS.countDown();
                        try {
                            HOLD_A.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
        return NatsProjections.runner(
                        nc, TimerReactions.filter(config.storeName(), OWNER), TimerFiredCodec.INSTANCE, reactions)
                .failover()
                .failoverAfter(Duration.ofSeconds(3))
                .ackWait(Duration.ofSeconds(2))
                .build();
    }

    private static Map<String, List<Instant>> awaitStored(Connection nc, NatsEventStoreConfig config, int count)
            throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(25).toNanos();
        Map<String, List<Instant>> stored = Map.of();
        while (System.nanoTime() < end) {
            try {
                stored = storedByCommandId(nc, config);
                if (stored.size() >= count) {
                    return stored;
                }
            } catch (Exception e) {
                // the server is still coming back
            }
            Thread.sleep(200);
        }
        return stored;
    }

    /** The counter events of the store by command id, with the time the server stored each. */
    private static Map<String, List<Instant>> storedByCommandId(Connection nc, NatsEventStoreConfig config)
            throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        String stream = config.storeName().value();
        long last = jsm.getStreamInfo(stream).getStreamState().getLastSequence();
        Map<String, List<Instant>> out = new HashMap<>();
        String prefix = EventSubject.categoryFilter(config.storeName(), dev.verdict.store.Category.of("counter"))
                .replace("*", "");
        for (long seq = 1; seq <= last; seq++) {
            MessageInfo m = jsm.getMessage(stream, seq);
            assertThat(m.getSubject()).startsWith(prefix);
            String commandId = m.getHeaders().getFirst(NatsEventHeaders.COMMAND_ID);
            out.computeIfAbsent(commandId, k -> new ArrayList<>())
                    .add(m.getTime().toInstant());
        }
        return out;
    }
}
