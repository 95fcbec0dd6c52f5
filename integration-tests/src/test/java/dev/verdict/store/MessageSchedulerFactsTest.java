package dev.verdict.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.testing.nats.NatsServer;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What nats-server's message scheduler (ADR-51) does, measured on the pinned server (2.15.1) – the facts the durable
 * timers of {@code docs/nats-mapping.md} ("Timers") are built on. Each test states one fact.
 */
class MessageSchedulerFactsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STREAMS = new AtomicInteger();

    private static String newStream(JetStreamManagement jsm, boolean schedules, boolean denyPurge) throws Exception {
        String name = "facts" + STREAMS.incrementAndGet();
        jsm.addStream(StreamConfiguration.builder()
                .name(name)
                .subjects(name + ".>")
                .storageType(StorageType.File)
                .allowDirect(true)
                .allowAtomicPublish(true)
                .denyDelete(denyPurge)
                .denyPurge(denyPurge)
                .allowMessageSchedules(schedules)
                .build());
        return name;
    }

    private static Headers schedule(Instant at, String target) {
        Headers h = new Headers();
        h.put("Nats-Schedule", "@at " + at.truncatedTo(ChronoUnit.SECONDS));
        h.put("Nats-Schedule-Target", target);
        return h;
    }

    private static Instant inSeconds(long seconds) {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(seconds);
    }

    /** The messages on a subject (direct get by subject, oldest first). */
    private static List<MessageInfo> messagesOn(JetStreamManagement jsm, String stream, String subject)
            throws Exception {
        List<MessageInfo> out = new ArrayList<>();
        long seq = 1;
        while (true) {
            try {
                MessageInfo m = jsm.getNextMessage(stream, seq, subject);
                out.add(m);
                seq = m.getSeq() + 1;
            } catch (JetStreamApiException e) {
                return out;
            }
        }
    }

    private static List<MessageInfo> awaitMessages(
            JetStreamManagement jsm, String stream, String subject, int count, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        List<MessageInfo> found = messagesOn(jsm, stream, subject);
        while (found.size() < count && System.nanoTime() < end) {
            Thread.sleep(50);
            found = messagesOn(jsm, stream, subject);
        }
        return found;
    }

    @Test
    void aScheduleFiresOnceNearItsTimeKeepsItsHeadersAndIsRemoved() throws Exception {
        Connection nc = NATS.connection();
        JetStreamManagement jsm = nc.jetStreamManagement();
        String stream = newStream(jsm, true, true);
        Instant due = inSeconds(2);
        Headers h = schedule(due, stream + ".fired.a");
        h.put("Verdict-Timer", "a");
        nc.jetStream().publish(stream + ".sched.a", h, "payload-a".getBytes(StandardCharsets.UTF_8));

        List<MessageInfo> fired = awaitMessages(jsm, stream, stream + ".fired.a", 1, Duration.ofSeconds(10));
        Thread.sleep(1500); // a second firing would show up here
        fired = messagesOn(jsm, stream, stream + ".fired.a");

        assertThat(fired).hasSize(1);
        MessageInfo m = fired.get(0);
        assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("payload-a");
        assertThat(m.getHeaders().getFirst("Verdict-Timer")).isEqualTo("a");
        assertThat(m.getHeaders().getFirst("Nats-Scheduler")).isEqualTo(stream + ".sched.a");
        Instant stored = m.getTime().toInstant();
        assertThat(stored).isAfterOrEqualTo(due);
        assertThat(Duration.between(due, stored)).isLessThan(Duration.ofSeconds(2));
        // the schedule message is removed once it fired, even on a stream that denies deletes and purges
        assertThat(messagesOn(jsm, stream, stream + ".sched.a")).isEmpty();
    }

    @Test
    void aStreamWithoutTheFlagRefusesASchedule() throws Exception {
        Connection nc = NATS.connection();
        String stream = newStream(nc.jetStreamManagement(), false, false);

        assertThatThrownBy(() -> nc.jetStream()
                        .publish(stream + ".sched.x", schedule(inSeconds(2), stream + ".fired.x"), new byte[0]))
                .isInstanceOf(JetStreamApiException.class);
    }

    @Test
    void creatingAStreamWithSchedulesAndDenyPurgeSilentlyAllowsPurgesAndRollups() throws Exception {
        JetStreamManagement jsm = NATS.connection().jetStreamManagement();
        String stream = newStream(jsm, true, true);

        StreamConfiguration created = jsm.getStreamInfo(stream).getConfiguration();
        assertThat(created.getAllowMsgSchedules()).isTrue();
        assertThat(created.getDenyPurge()).isFalse();
        assertThat(created.getAllowRollup()).isTrue();
        assertThat(created.getDenyDelete()).isTrue();
    }

    @Test
    void theEventStreamOfThePreviousReleaseDenyingPurgesCannotBeUpdatedToAllowSchedules() throws Exception {
        Connection nc = NATS.connection();
        JetStreamManagement jsm = nc.jetStreamManagement();
        String stream = newStream(jsm, false, true);
        nc.jetStream().publish(stream + ".counter.c-1", "event".getBytes(StandardCharsets.UTF_8));
        StreamConfiguration old = jsm.getStreamInfo(stream).getConfiguration();

        assertThatThrownBy(() -> jsm.updateStream(StreamConfiguration.builder(old)
                        .allowMessageSchedules(true)
                        .build()))
                .isInstanceOfSatisfying(
                        JetStreamApiException.class,
                        e -> assertThat(e.getApiErrorCode()).isEqualTo(10052))
                .hasMessageContaining("deny purge");
    }

    @Test
    void aStreamWithEventsThatAllowsPurgesCanBeUpdatedToAllowSchedules() throws Exception {
        Connection nc = NATS.connection();
        JetStreamManagement jsm = nc.jetStreamManagement();
        String stream = newStream(jsm, false, false);
        nc.jetStream().publish(stream + ".counter.c-1", "event".getBytes(StandardCharsets.UTF_8));
        StreamConfiguration old = jsm.getStreamInfo(stream).getConfiguration();

        jsm.updateStream(
                StreamConfiguration.builder(old).allowMessageSchedules(true).build());

        assertThat(jsm.getStreamInfo(stream).getConfiguration().getAllowMsgSchedules())
                .isTrue();
        nc.jetStream().publish(stream + ".sched.x", schedule(inSeconds(2), stream + ".fired.x"), new byte[0]);
        assertThat(awaitMessages(jsm, stream, stream + ".fired.x", 1, Duration.ofSeconds(10)))
                .hasSize(1);
        assertThat(messagesOn(jsm, stream, stream + ".counter.c-1")).hasSize(1);
    }

    @Test
    void aNewScheduleOnTheSameSubjectReplacesTheOldOne() throws Exception {
        Connection nc = NATS.connection();
        JetStreamManagement jsm = nc.jetStreamManagement();
        String stream = newStream(jsm, true, true);
        nc.jetStream().publish(stream + ".sched.r", schedule(inSeconds(2), stream + ".fired.r"), "first".getBytes());
        nc.jetStream().publish(stream + ".sched.r", schedule(inSeconds(4), stream + ".fired.r"), "second".getBytes());

        List<MessageInfo> fired = awaitMessages(jsm, stream, stream + ".fired.r", 1, Duration.ofSeconds(10));
        Thread.sleep(1500);
        fired = messagesOn(jsm, stream, stream + ".fired.r");

        assertThat(fired).extracting(m -> new String(m.getData())).containsExactly("second");
    }

    @Test
    void aPlainMessageOnTheScheduleSubjectCancelsTheSchedule() throws Exception {
        Connection nc = NATS.connection();
        JetStreamManagement jsm = nc.jetStreamManagement();
        String stream = newStream(jsm, true, true);
        nc.jetStream().publish(stream + ".sched.c", schedule(inSeconds(2), stream + ".fired.c"), "c".getBytes());
        nc.jetStream().publish(stream + ".sched.c", "cancelled".getBytes());
        nc.jetStream().publish(stream + ".sched.d", schedule(inSeconds(2), stream + ".fired.d"), "d".getBytes());

        assertThat(awaitMessages(jsm, stream, stream + ".fired.d", 1, Duration.ofSeconds(10)))
                .hasSize(1);
        Thread.sleep(1000);
        assertThat(messagesOn(jsm, stream, stream + ".fired.c")).isEmpty();
    }

    @Test
    void aPurgeOfTheScheduleSubjectCancelsItWhereTheStreamAllowsPurges() throws Exception {
        Connection nc = NATS.connection();
        JetStreamManagement jsm = nc.jetStreamManagement();
        String stream = newStream(jsm, true, false);
        nc.jetStream().publish(stream + ".sched.p", schedule(inSeconds(2), stream + ".fired.p"), "p".getBytes());
        jsm.purgeStream(stream, io.nats.client.PurgeOptions.subject(stream + ".sched.p"));
        nc.jetStream().publish(stream + ".sched.q", schedule(inSeconds(2), stream + ".fired.q"), "q".getBytes());

        assertThat(awaitMessages(jsm, stream, stream + ".fired.q", 1, Duration.ofSeconds(10)))
                .hasSize(1);
        Thread.sleep(1000);
        assertThat(messagesOn(jsm, stream, stream + ".fired.p")).isEmpty();
    }

    @Test
    void aScheduleThatFellDueWhileTheServerWasDownFiresOnceAfterTheRestart() throws Exception {
        NatsServer server = NATS.server();
        String stream;
        Instant due = inSeconds(2);
        try (Connection nc = server.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            stream = newStream(jsm, true, true);
            nc.jetStream().publish(stream + ".sched.s", schedule(due, stream + ".fired.s"), "s".getBytes());
            nc.jetStream().publish(stream + ".sched.t", schedule(inSeconds(60), stream + ".fired.t"), "t".getBytes());
        }
        server.stop();
        Thread.sleep(Duration.between(Instant.now(), due).plusSeconds(1).toMillis());
        server.start();
        try (Connection nc = server.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            Instant restarted = Instant.now();
            List<MessageInfo> fired = awaitMessages(jsm, stream, stream + ".fired.s", 1, Duration.ofSeconds(10));
            Thread.sleep(1500);
            fired = messagesOn(jsm, stream, stream + ".fired.s");

            assertThat(fired).hasSize(1);
            assertThat(Duration.between(restarted, fired.get(0).getTime().toInstant()))
                    .isLessThan(Duration.ofSeconds(3));
            // the later one is still pending, not fired early
            assertThat(messagesOn(jsm, stream, stream + ".fired.t")).isEmpty();
            assertThat(messagesOn(jsm, stream, stream + ".sched.t")).hasSize(1);
        }
    }

    @Test
    void aMessageIdDeduplicatesTheScheduleAndIsNotCopiedToTheFiredMessage() throws Exception {
        Connection nc = NATS.connection();
        JetStreamManagement jsm = nc.jetStreamManagement();
        String stream = newStream(jsm, true, true);
        Headers h = schedule(inSeconds(2), stream + ".fired.m");
        h.put("Nats-Msg-Id", "timer-m-1");
        nc.jetStream().publish(stream + ".sched.m", h, "m".getBytes());
        // a retry of the same schedule inside the duplicate window is a duplicate, not a second schedule
        assertThat(nc.jetStream()
                        .publish(stream + ".sched.m", h, "m".getBytes())
                        .isDuplicate())
                .isTrue();

        List<MessageInfo> fired = awaitMessages(jsm, stream, stream + ".fired.m", 1, Duration.ofSeconds(10));
        assertThat(fired).hasSize(1);
        assertThat(fired.get(0).getHeaders().get("Nats-Msg-Id")).isNull();
    }
}
