package dev.verdict.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.codec.TimerFiredCodec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The timers' subjects, ids and payload: what docs/nats-mapping.md "Timers" promises any client. */
class TimerLayoutTest {
    static final StoreName STORE = StoreName.of("pharmacy");
    static final TimerRef REF = TimerRef.of("prescription-expiry", "rx-42", "expiry");

    @Test
    void schedulesAndFiringsLiveInTheTimerStoreNeverInTheEventStream() {
        assertThat(EventSubject.timerStore(STORE)).isEqualTo(StoreName.of("pharmacy_timers"));
        assertThat(EventSubject.timerSchedule(STORE, REF))
                .isEqualTo("pharmacy_timers.schedule.prescription-expiry.rx-42.expiry");
        assertThat(EventSubject.timerFired(STORE, REF).value())
                .isEqualTo("pharmacy_timers.fired.prescription-expiry.rx-42");
        assertThat(EventSubject.timerScheduleFilter(STORE, "prescription-expiry", "rx-42"))
                .isEqualTo("pharmacy_timers.schedule.prescription-expiry.rx-42.*");
        assertThat(EventSubject.timerScheduleFilter(STORE, "prescription-expiry"))
                .isEqualTo("pharmacy_timers.schedule.prescription-expiry.*.*");
        assertThat(EventSubject.entityOf(
                        STORE, EventSubject.timerFired(STORE, REF).value()))
                .isEmpty();
    }

    @Test
    void aFiredTimerIsAnEntityOfTheTimerStoreAndAScheduleSubjectNamesItsTimer() {
        assertThat(EventSubject.entityOf(
                        EventSubject.timerStore(STORE), "pharmacy_timers.fired.prescription-expiry.rx-42"))
                .contains(new EntityRef(Category.of("fired.prescription-expiry"), EntityId.of("rx-42")));
        assertThat(EventSubject.timerOfSchedule(STORE, EventSubject.timerSchedule(STORE, REF)))
                .contains(REF);
        assertThat(EventSubject.timerOfSchedule(STORE, "pharmacy_timers.schedule.a.b"))
                .isEmpty();
        assertThat(EventSubject.timerOfSchedule(STORE, "pharmacy.prescription.rx-42"))
                .isEmpty();
    }

    @Test
    void refusesPartsThatAreNotSingleTokens() {
        assertThatThrownBy(() -> TimerRef.of("expiry", "rx.42", "x"))
                .isInstanceOf(InvalidIdentifier.class)
                .hasMessageContaining("timer instance");
    }

    @Test
    void theCommandIdIsTheTimerAndItsDueInstantAndStaysWithinTheLimit() {
        Instant due = Instant.parse("2027-01-31T00:00:00Z");
        TimerFired fired = new TimerFired(REF, due, Instant.parse("2026-12-07T17:00:00Z"));
        assertThat(fired.commandId()).isEqualTo("timer.prescription-expiry.rx-42.expiry@" + due.toEpochMilli());
        assertThat(fired.commandId(2)).isEqualTo(fired.commandId() + "-2");
        assertThat(new TimerFired(REF, due.plusMillis(1), due).commandId()).isNotEqualTo(fired.commandId());

        String longToken = "x".repeat(128);
        TimerFired longOne = new TimerFired(TimerRef.of(longToken, longToken, "n"), due, due);
        assertThat(longOne.commandId()).startsWith("timer.").hasSize("timer.".length() + 64);
        CommandContext.withCommandId(longOne.commandId(99)); // valid
    }

    @Test
    void thePayloadRoundTripsAndNamesItsFields() {
        TimerFired fired =
                new TimerFired(REF, Instant.parse("2027-01-31T00:00:00Z"), Instant.parse("2026-12-07T17:00:00.123Z"));
        EncodedEvent encoded = TimerFiredCodec.INSTANCE.encode(fired);

        assertThat(encoded.type()).isEqualTo("TimerFired");
        assertThat(encoded.schemaVersion()).isEqualTo(1);
        assertThat(new String(encoded.payload(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"owner\":\"prescription-expiry\",\"instance\":\"rx-42\",\"name\":\"expiry\","
                        + "\"dueAt\":\"2027-01-31T00:00:00Z\",\"scheduledAt\":\"2026-12-07T17:00:00.123Z\"}");
        assertThat(TimerFiredCodec.INSTANCE.decode(encoded)).isEqualTo(fired);
        assertThatThrownBy(() -> TimerFiredCodec.INSTANCE.decode(new EncodedEvent("TimerFired", 2, encoded.payload())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
