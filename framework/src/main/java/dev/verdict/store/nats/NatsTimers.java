package dev.verdict.store.nats;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.EventSubject;
import dev.verdict.store.ScheduledTimer;
import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.StoreName;
import dev.verdict.store.TimerFired;
import dev.verdict.store.TimerRef;
import dev.verdict.store.Timers;
import dev.verdict.store.codec.TimerFiredCodec;
import dev.verdict.store.internal.EventIds;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PurgeOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Timers} on nats-server's message scheduler (ADR-51, server 2.12+): a timer is a schedule message ({@code
 * Nats-Schedule: @at <instant>}) on its own subject of the store's timer stream ({@link EventSubject#timerStore}),
 * which the server turns into a {@link TimerFired} event on the owner's subject when it falls due and then removes.
 * Replacing publishes a new schedule on the same subject; cancelling purges the subject; listing reads the schedule
 * subjects that still hold a message. Nothing polls: the server keeps the schedules and fires them, also after a
 * restart (a schedule that fell due while it was down fires right after).
 *
 * <p>The timer stream ({@code <store>_timers}) is created on first use with the event store's replicas and duplicate
 * window, {@code allow_msg_schedules}, purges allowed (the scheduler removes fired schedules by purging, so the
 * server refuses schedules on a stream that denies purges – an event stream always does). An existing timer stream
 * without schedules is refused with {@link StoreMisconfigured}. The scheduler works in whole seconds: a timer is
 * scheduled at its due instant rounded up to the next second, so it never fires early. {@link #find} and {@link
 * #list} read with direct gets, which on a replicated timer stream any current replica may answer: a timer scheduled
 * or cancelled a moment ago may show its previous state for a moment (the firing itself is the leader's).
 *
 * <pre>{@code
 * Timers timers = NatsTimers.create(connection, NatsEventStoreConfig.of("pharmacy"));
 * timers.schedule(TimerRef.of("prescription-expiry", "rx-42", "expiry"), Instant.parse("2027-01-31T00:00:00Z"));
 * }</pre>
 */
public final class NatsTimers implements Timers {
    static final String SCHEDULE = "Nats-Schedule";
    static final String SCHEDULE_TARGET = "Nats-Schedule-Target";

    private final StoreName store;
    private final String stream;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final Clock clock;

    private NatsTimers(StoreName store, JetStream js, JetStreamManagement jsm, Clock clock) {
        this.store = store;
        this.stream = EventSubject.timerStore(store).value();
        this.js = js;
        this.jsm = jsm;
        this.clock = clock;
    }

    /**
     * The timers of the configured store, creating their stream if it is missing (unless provisioning is off).
     *
     * @throws StoreMisconfigured when the server is older than 2.12, the timer stream exists without message schedules,
     *     or it is missing and provisioning is off
     * @throws EventStoreUnavailable when the server cannot be reached
     */
    public static NatsTimers create(Connection connection, NatsEventStoreConfig config) {
        return create(connection, config, Clock.systemUTC());
    }

    /** As {@link #create(Connection, NatsEventStoreConfig)}, with the clock {@link #scheduleAfter} counts from. */
    public static NatsTimers create(Connection connection, NatsEventStoreConfig config, Clock clock) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(clock, "clock");
        TimerStream.ensure(connection, config);
        try {
            return new NatsTimers(config.storeName(), connection.jetStream(), connection.jetStreamManagement(), clock);
        } catch (IOException e) {
            throw new EventStoreUnavailable("cannot open the timer stream: " + e.getMessage(), e);
        }
    }

    @Override
    public ScheduledTimer schedule(TimerRef ref, Instant dueAt) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(dueAt, "dueAt");
        Instant now = clock.instant();
        TimerFired fired = new TimerFired(ref, dueAt, now);
        EncodedEvent encoded = TimerFiredCodec.INSTANCE.encode(fired);
        String eventId = EventIds.next();
        // a fresh command id per schedule: a retry of this call is deduplicated, a later replacement is not
        CommandContext context = CommandContext.withCommandId(eventId).correlatedWith(ref.id());
        Headers headers = NatsEventHeaders.of(encoded, 0, eventId, now, context);
        headers.put(SCHEDULE, "@at " + scheduleInstant(dueAt, now));
        headers.put(SCHEDULE_TARGET, EventSubject.timerFired(store, ref).value());
        String subject = EventSubject.timerSchedule(store, ref);
        try {
            js.publish(subject, headers, encoded.payload());
        } catch (IOException e) {
            throw new EventStoreUnavailable("cannot schedule timer " + ref + ": " + e.getMessage(), e);
        } catch (JetStreamApiException e) {
            throw new EventStoreException("the server refused timer " + ref + ": " + e.getErrorDescription(), e);
        }
        return new ScheduledTimer(ref, dueAt, now);
    }

    /**
     * The {@code @at} instant: the due instant rounded up to a whole second (the scheduler's resolution), and at least
     * the next second after now, so a due instant in the past fires at once.
     */
    static String scheduleInstant(Instant dueAt, Instant now) {
        Instant up = dueAt.truncatedTo(ChronoUnit.SECONDS);
        if (up.isBefore(dueAt)) {
            up = up.plusSeconds(1);
        }
        Instant earliest = now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        return (up.isBefore(earliest) ? earliest : up).toString();
    }

    @Override
    public boolean cancel(TimerRef ref) {
        Objects.requireNonNull(ref, "ref");
        try {
            return jsm.purgeStream(stream, PurgeOptions.subject(EventSubject.timerSchedule(store, ref)))
                            .getPurged()
                    > 0;
        } catch (IOException e) {
            throw new EventStoreUnavailable("cannot cancel timer " + ref + ": " + e.getMessage(), e);
        } catch (JetStreamApiException e) {
            throw new EventStoreException(
                    "the server refused to cancel timer " + ref + ": " + e.getErrorDescription(), e);
        }
    }

    @Override
    public Optional<ScheduledTimer> find(TimerRef ref) {
        Objects.requireNonNull(ref, "ref");
        return read(EventSubject.timerSchedule(store, ref));
    }

    @Override
    public List<ScheduledTimer> list(String owner, String instance) {
        return listSubjects(EventSubject.timerScheduleFilter(store, owner, instance));
    }

    @Override
    public List<ScheduledTimer> list(String owner) {
        return listSubjects(EventSubject.timerScheduleFilter(store, owner));
    }

    /**
     * Every timer of the store that has not fired yet, of all owners, by due instant (for operators' tools: a store
     * with many timers answers with one stream-info request listing them and one direct get per timer).
     */
    public List<ScheduledTimer> listAll() {
        return listSubjects(EventSubject.timerScheduleFilter(store));
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    private List<ScheduledTimer> listSubjects(String filter) {
        List<ScheduledTimer> out = new ArrayList<>();
        try {
            StreamInfo info = jsm.getStreamInfo(stream, StreamInfoOptions.filterSubjects(filter));
            List<Subject> subjects = info.getStreamState().getSubjects();
            for (Subject s : subjects == null ? List.<Subject>of() : subjects) {
                read(s.getName()).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new EventStoreUnavailable("cannot list timers (" + filter + "): " + e.getMessage(), e);
        } catch (JetStreamApiException e) {
            throw new EventStoreException("cannot list timers (" + filter + "): " + e.getErrorDescription(), e);
        }
        out.sort(Comparator.comparing(ScheduledTimer::dueAt)
                .thenComparing(t -> t.ref().id()));
        return out;
    }

    /** The schedule on a subject, or empty when the subject holds none (never scheduled, fired or cancelled). */
    private Optional<ScheduledTimer> read(String subject) {
        try {
            MessageInfo m = jsm.getLastMessage(stream, subject);
            if (m.getHeaders() == null || m.getHeaders().getFirst(SCHEDULE) == null) {
                return Optional.empty();
            }
            TimerFired t = TimerFiredCodec.INSTANCE.decode(new EncodedEvent(
                    TimerFired.TYPE,
                    Integer.parseInt(m.getHeaders().getFirst(NatsEventHeaders.SCHEMA_VERSION)),
                    m.getData() == null ? new byte[0] : m.getData()));
            return Optional.of(new ScheduledTimer(t.ref(), t.dueAt(), t.scheduledAt()));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.NO_MESSAGE_FOUND) {
                return Optional.empty();
            }
            throw new EventStoreException("cannot read timer " + subject + ": " + e.getErrorDescription(), e);
        } catch (IOException e) {
            throw new EventStoreUnavailable("cannot read timer " + subject + ": " + e.getMessage(), e);
        }
    }
}
