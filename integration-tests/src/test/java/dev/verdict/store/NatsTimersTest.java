package dev.verdict.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.codec.TimerFiredCodec;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsRecordedEvents;
import dev.verdict.store.nats.NatsTimers;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link NatsTimers} against a real server: the port's schedule, replace, cancel, list and find, and the firing. */
class NatsTimersTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    private static NatsEventStoreConfig newStore() {
        return NatsEventStoreConfig.of("timers" + STORES.incrementAndGet());
    }

    private static Optional<MessageInfo> lastFired(Connection nc, StoreName store, TimerRef ref) throws Exception {
        EventSubject fired = EventSubject.timerFired(store, ref);
        try {
            return Optional.of(nc.jetStreamManagement()
                    .getLastMessage(EventSubject.timerStore(store).value(), fired.value()));
        } catch (JetStreamApiException e) {
            return Optional.empty();
        }
    }

    private static MessageInfo awaitFired(Connection nc, StoreName store, TimerRef ref, Duration timeout)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Optional<MessageInfo> m = lastFired(nc, store, ref);
            if (m.isPresent()) {
                return m.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timer " + ref + " did not fire within " + timeout);
    }

    @Test
    void schedulesReplacesCancelsAndListsTimersByInstanceAndOwner() {
        NatsEventStoreConfig config = newStore();
        NatsTimers timers = NatsTimers.create(NATS.connection(), config);
        Instant base = Instant.now().plus(Duration.ofHours(1));
        TimerRef a = TimerRef.of("expiry", "rx-1", "a");
        TimerRef b = TimerRef.of("expiry", "rx-1", "b");
        TimerRef c = TimerRef.of("expiry", "rx-2", "a");
        TimerRef other = TimerRef.of("reorder", "rx-1", "a");
        timers.schedule(a, base.plusSeconds(30));
        timers.schedule(b, base.plusSeconds(10));
        timers.schedule(c, base.plusSeconds(20));
        timers.schedule(other, base);

        assertThat(timers.list("expiry", "rx-1"))
                .extracting(ScheduledTimer::ref)
                .containsExactly(b, a);
        assertThat(timers.list("expiry")).extracting(ScheduledTimer::ref).containsExactly(b, c, a);

        timers.schedule(a, base.plusSeconds(5)); // replace
        assertThat(timers.find(a)).map(ScheduledTimer::dueAt).contains(base.plusSeconds(5));
        assertThat(timers.list("expiry", "rx-1"))
                .extracting(ScheduledTimer::ref)
                .containsExactly(a, b);

        assertThat(timers.cancel(b)).isTrue();
        assertThat(timers.cancel(b)).isFalse();
        assertThat(timers.find(b)).isEmpty();
        assertThat(timers.list("expiry")).extracting(ScheduledTimer::ref).containsExactly(a, c);
        assertThat(timers.list("nobody")).isEmpty();
    }

    @Test
    void aTimerFiresOnceAsATimerFiredEventOnItsOwnersSubjectNeverEarly() throws Exception {
        NatsEventStoreConfig config = newStore();
        Connection nc = NATS.connection();
        NatsTimers timers = NatsTimers.create(nc, config);
        TimerRef ref = TimerRef.of("expiry", "rx-7", "expiry");
        Instant due = Instant.now().plusMillis(1500);
        timers.schedule(ref, due);

        MessageInfo m = awaitFired(nc, config.storeName(), ref, Duration.ofSeconds(10));
        RecordedEvent recorded = NatsRecordedEvents.fromMessageInfo(EventSubject.timerStore(config.storeName()), m);
        TimerFired fired = TimerFiredCodec.INSTANCE.decode(recorded.event());

        assertThat(fired.ref()).isEqualTo(ref);
        assertThat(fired.dueAt()).isEqualTo(due);
        assertThat(recorded.entity())
                .isEqualTo(new EntityRef(EventSubject.timerFiredCategory("expiry"), EntityId.of("rx-7")));
        assertThat(recorded.storedAt()).isAfterOrEqualTo(due);
        assertThat(timers.find(ref)).isEmpty();
        Thread.sleep(1500);
        assertThat(lastFired(nc, config.storeName(), ref).map(MessageInfo::getSeq))
                .contains(m.getSeq());
    }

    @Test
    void aDueInstantInThePastFiresAtOnce() throws Exception {
        NatsEventStoreConfig config = newStore();
        Connection nc = NATS.connection();
        NatsTimers timers = NatsTimers.create(nc, config);
        TimerRef ref = TimerRef.of("expiry", "rx-8", "expiry");
        Instant start = Instant.now();
        timers.schedule(ref, start.minus(Duration.ofDays(1)));

        MessageInfo m = awaitFired(nc, config.storeName(), ref, Duration.ofSeconds(5));
        assertThat(Duration.between(start, m.getTime().toInstant())).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aTimerStreamThatDoesNotAllowSchedulesIsRefused() throws Exception {
        NatsEventStoreConfig config = newStore();
        String name = EventSubject.timerStore(config.storeName()).value();
        NATS.connection()
                .jetStreamManagement()
                .addStream(StreamConfiguration.builder()
                        .name(name)
                        .subjects(name + ".>")
                        .storageType(StorageType.File)
                        .build());

        assertThatThrownBy(() -> NatsTimers.create(NATS.connection(), config))
                .isInstanceOf(StoreMisconfigured.class)
                .hasMessageContaining("allow_msg_schedules");
    }

    @Test
    void theTimersLiveInTheirOwnStreamAndLeaveTheEventStreamAsItWas() throws Exception {
        NatsEventStoreConfig config = newStore();
        dev.verdict.store.nats.NatsEventStore.create(NATS.connection(), config);
        NatsTimers.create(NATS.connection(), config)
                .schedule(TimerRef.of("expiry", "rx-9", "expiry"), Instant.now().plusSeconds(3600));

        var jsm = NATS.connection().jetStreamManagement();
        StreamConfiguration events =
                jsm.getStreamInfo(config.storeName().value()).getConfiguration();
        assertThat(events.getDenyPurge()).isTrue();
        assertThat(events.getAllowMsgSchedules()).isFalse();
        assertThat(jsm.getStreamInfo(config.storeName().value())
                        .getStreamState()
                        .getMsgCount())
                .isZero();
        StreamConfiguration timerStream =
                jsm.getStreamInfo(config.storeName().value() + "_timers").getConfiguration();
        assertThat(timerStream.getAllowMsgSchedules()).isTrue();
        assertThat(timerStream.getSubjects()).containsExactly(config.storeName().value() + "_timers.>");
        // the event store's own check still accepts its stream
        dev.verdict.store.nats.NatsEventStore.create(NATS.connection(), config);
    }
}
