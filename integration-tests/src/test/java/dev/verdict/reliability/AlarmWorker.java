package dev.verdict.reliability;

import dev.verdict.decider.ProcessManager;
import dev.verdict.decider.TimerDue;
import dev.verdict.decider.TimerRequest;
import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.projection.process.CommandSender;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.projection.timers.TimerReactions;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.store.Category;
import dev.verdict.store.EntityRef;
import dev.verdict.store.StoreName;
import dev.verdict.store.TimerFired;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.codec.TimerFiredCodec;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsProcessStates;
import dev.verdict.store.nats.NatsTimers;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * One service instance of {@link ProcessTimersAtScaleTest}, run in a child JVM so that it can be killed with SIGKILL:
 * it hosts the {@link Alarms} process (its events partitioned across the instances, its fired timers on a failover
 * consumer) and sends each firing's command to the timer's counter through the Verdict runtime.
 *
 * <p>Arguments: the server URLs (comma-separated), the store name, the replicas. Prints {@code ready} once its runners
 * started, then {@code sent <n>} whenever the number of commands it sent changed; runs until it is killed or
 * terminated.
 */
public final class AlarmWorker {
    /** The process (and the owner of its timers). */
    static final String OWNER = "alarms";

    static final String CATEGORY = "alarm";

    static final int PARTITIONS = 3;

    static final Duration FAILOVER_AFTER = Duration.ofSeconds(3);

    /** An alarm instance's events: a timer armed for an instant, or disarmed. */
    sealed interface AlarmEvent {
        String instance();

        record Armed(String instance, String timer, Instant dueAt) implements AlarmEvent {}

        record Disarmed(String instance, String timer) implements AlarmEvent {}
    }

    /** An instance's state: how many of its timers fired. */
    record Alarm(int fired) {}

    /** The command a firing issues: count one for the instance's counter. */
    record Ring(String instance) {}

    /** Arms and disarms the instance's timers; a firing rings once. */
    static final class Alarms implements ProcessManager<AlarmEvent, Alarm, Ring> {
        @Override
        public Alarm initialState() {
            return new Alarm(0);
        }

        @Override
        public Alarm evolve(Alarm state, AlarmEvent event) {
            return state;
        }

        @Override
        public List<Ring> react(Alarm state, AlarmEvent event) {
            return List.of();
        }

        @Override
        public List<String> instancesOf(AlarmEvent event) {
            return List.of(event.instance());
        }

        @Override
        public List<TimerRequest> timers(Alarm state, AlarmEvent event) {
            if (event instanceof AlarmEvent.Armed armed) {
                return List.of(TimerRequest.at(armed.timer(), armed.dueAt()));
            }
            return List.of(TimerRequest.cancel(((AlarmEvent.Disarmed) event).timer()));
        }

        @Override
        public List<Ring> onTimer(Alarm state, TimerDue due) {
            return List.of(new Ring(due.instance()));
        }

        @Override
        public Alarm evolveOnTimer(Alarm state, TimerDue due) {
            return new Alarm(state.fired() + 1);
        }
    }

    static final JsonEventCodec<AlarmEvent> CODEC = JsonEventCodec.of(AlarmEvent.class);

    private AlarmWorker() {}

    public static void main(String[] args) throws Exception {
        String[] urls = args[0].split(",");
        StoreName storeName = StoreName.of(args[1]);
        int replicas = Integer.parseInt(args[2]);
        NatsEventStoreConfig config = NatsEventStoreConfig.builder()
                .storeName(storeName)
                .replicas(replicas)
                .requestTimeout(Duration.ofSeconds(3))
                .build();
        Connection nc = Nats.connect(Options.builder()
                .servers(urls)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(Duration.ofSeconds(5))
                .build());
        NatsEventStore store = NatsEventStore.create(nc, config);
        CommandRuntime runtime = CommandRuntime.builder(store).build();
        EntityHandle<BoundedCounter.Command, BoundedCounter.Counter, BoundedCounter.Event> counters =
                runtime.register(Registration.of("counter", BoundedCounter.decider(), BoundedCounter.CODEC));
        CommandSender<BoundedCounter.Command> toCounters = CommandSender.via(counters);
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        ProcessProjection<AlarmEvent, Alarm, Ring> host = ProcessProjection.builder(
                        NatsProcessStates.builder(nc).replicas(replicas).open(),
                        OWNER,
                        new Alarms(),
                        JsonStateCodec.of(Alarm.class),
                        ring -> EntityRef.of("counter", ring.instance()),
                        (target, ring, context) -> {
                            toCounters.send(target, new BoundedCounter.Add(1), context);
                            sent.incrementAndGet();
                        })
                .timers(NatsTimers.create(nc, config))
                .build();
        ProjectionRunner<AlarmEvent> events = NatsProjections.runner(
                        nc, SubjectFilter.category(storeName, Category.of(CATEGORY)), CODEC, host)
                .failover()
                .partitions(PARTITIONS)
                .maxActivePartitions(1)
                .failoverAfter(FAILOVER_AFTER)
                .build();
        ProjectionRunner<TimerFired> fired = NatsProjections.runner(
                        nc, TimerReactions.filter(storeName, OWNER), TimerFiredCodec.INSTANCE, host.timerInputs())
                .failover()
                .failoverAfter(FAILOVER_AFTER)
                .ackWait(Duration.ofSeconds(2))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            fired.stop();
            events.stop();
            runtime.close();
            stopped.countDown();
        }));
        events.start();
        fired.start();
        System.out.println("ready");
        System.out.flush();
        // reports its sends, so that the test can tell which instance is active on the fired timers
        int reported = 0;
        while (!stopped.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            int now = sent.get();
            if (now != reported) {
                System.out.println("sent " + now);
                System.out.flush();
                reported = now;
            }
        }
    }
}
