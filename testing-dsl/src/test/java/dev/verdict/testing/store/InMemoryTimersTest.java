package dev.verdict.testing.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.projection.timers.TimerReactions;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ScheduledTimer;
import dev.verdict.store.StoreName;
import dev.verdict.store.TimerFired;
import dev.verdict.store.TimerRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryTimersTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final TimerRef A = TimerRef.of("expiry", "rx-1", "a");
    static final TimerRef B = TimerRef.of("expiry", "rx-1", "b");
    static final TimerRef C = TimerRef.of("expiry", "rx-2", "a");

    @Test
    void firesNothingUntilTimeMovesThenEachDueTimerOnceInDueOrder() {
        ManualClock clock = ManualClock.at(T0);
        InMemoryTimers timers = InMemoryTimers.of(StoreName.of("pharmacy"), clock);
        timers.scheduleAfter(A, Duration.ofMinutes(10));
        timers.schedule(B, T0.plusSeconds(60));
        timers.schedule(C, T0.plusSeconds(3600));

        assertThat(timers.list("expiry", "rx-1"))
                .extracting(ScheduledTimer::ref)
                .containsExactly(B, A);
        assertThat(timers.advance(Duration.ofSeconds(59))).isEmpty();
        assertThat(timers.advance(Duration.ofMinutes(10)))
                .extracting(TimerFired::ref)
                .containsExactly(B, A);
        assertThat(timers.advance(Duration.ofMinutes(10))).isEmpty();
        assertThat(timers.list("expiry")).extracting(ScheduledTimer::ref).containsExactly(C);
    }

    @Test
    void aReplacedTimerFiresAtItsNewInstantAndACancelledOneNever() {
        ManualClock clock = ManualClock.at(T0);
        InMemoryTimers timers = InMemoryTimers.of(StoreName.of("pharmacy"), clock);
        timers.schedule(A, T0.plusSeconds(60));
        timers.schedule(A, T0.plusSeconds(120));
        timers.schedule(B, T0.plusSeconds(30));
        assertThat(timers.cancel(B)).isTrue();
        assertThat(timers.cancel(B)).isFalse();

        assertThat(timers.advance(Duration.ofSeconds(90))).isEmpty();
        assertThat(timers.advance(Duration.ofSeconds(60))).containsExactly(new TimerFired(A, T0.plusSeconds(120), T0));
    }

    @Test
    void timerReactionsSendTheFiringsCommandsWithIdsFromTheFiring() {
        ManualClock clock = ManualClock.at(T0);
        InMemoryTimers timers = InMemoryTimers.of(StoreName.of("pharmacy"), clock);
        List<String> sent = new ArrayList<>();
        TimerReactions<String> reactions = TimerReactions.of(
                "expiry",
                fired -> List.of(
                        TimerReactions.command(
                                EntityRef.of("prescription", fired.ref().instance()), "expire"),
                        TimerReactions.command(EntityRef.of("audit", "log"), "note")),
                (EntityRef target, String command, CommandContext context) ->
                        sent.add(target + " " + command + " " + context.commandId() + " at " + clock.instant()));
        timers.deliverTo(reactions);
        timers.schedule(A, T0.plusSeconds(60));

        timers.advance(Duration.ofHours(1));

        String id = new TimerFired(A, T0.plusSeconds(60), T0).commandId();
        assertThat(id).isEqualTo("timer.expiry.rx-1.a@" + T0.plusSeconds(60).toEpochMilli());
        assertThat(sent)
                .containsExactly(
                        "prescription/rx-1 expire " + id + " at " + T0.plusSeconds(60),
                        "audit/log note " + id + "-1 at " + T0.plusSeconds(60));
    }
}
