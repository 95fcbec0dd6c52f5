package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.ProcessManager;
import dev.verdict.decider.TimerDue;
import dev.verdict.decider.TimerRequest;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.ScheduledTimer;
import dev.verdict.store.StoreName;
import dev.verdict.store.TimerFired;
import dev.verdict.store.TimerRef;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.testing.store.InMemoryProcessStates;
import dev.verdict.testing.store.InMemoryTimers;
import dev.verdict.testing.store.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A process manager with time on its host: the timers an instance asks for are scheduled as {@code
 * <process>.<instance>.<name>} through the {@link dev.verdict.store.Timers} port (a delay counted from the event's
 * time), and a fired timer comes back to its instance through {@link ProcessProjection#timerInputs()} – read, react
 * with ids from the firing, write. On the test kit: {@link InMemoryTimers} and {@link InMemoryProcessStates}.
 */
class ProcessTimersTest {
    static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
    static final String PROCESS = "idle-reminder";
    static final Duration IDLE = Duration.ofSeconds(60);

    /** A counter's watch: its total, whether it was reminded, whether it is done. */
    record Watch(long total, boolean reminded, boolean done) {}

    /** A command of the process. */
    record Remind(String counter, long total, Instant at) {}

    /** Reminds a counter once when it was not added to for a minute; a reset ends it and cancels the reminder. */
    static final class IdleReminder implements ProcessManager<CounterEvent, Watch, Remind> {
        private final Duration idle;

        IdleReminder(Duration idle) {
            this.idle = idle;
        }

        @Override
        public Watch initialState() {
            return new Watch(0, false, false);
        }

        @Override
        public Watch evolve(Watch state, CounterEvent event) {
            if (event instanceof CounterEvent.Added a) {
                return new Watch(state.total() + a.amount(), state.reminded(), false);
            }
            return new Watch(state.total(), state.reminded(), true);
        }

        @Override
        public List<Remind> react(Watch state, CounterEvent event) {
            return List.of();
        }

        @Override
        public List<String> instancesOf(CounterEvent event) {
            return List.of(event.counter());
        }

        @Override
        public boolean ended(Watch state) {
            return state.done();
        }

        @Override
        public List<TimerRequest> timers(Watch state, CounterEvent event) {
            return event instanceof CounterEvent.Added
                    ? List.of(TimerRequest.after("idle", idle))
                    : List.of(TimerRequest.cancel("idle"));
        }

        @Override
        public List<Remind> onTimer(Watch state, TimerDue due) {
            return state.reminded() ? List.of() : List.of(new Remind(due.instance(), state.total(), due.dueAt()));
        }

        @Override
        public Watch evolveOnTimer(Watch state, TimerDue due) {
            return new Watch(state.total(), true, state.done());
        }
    }

    private final ManualClock clock = ManualClock.at(T0);
    private final InMemoryTimers timers = InMemoryTimers.of(StoreName.of("counters"), clock);
    private final InMemoryProcessStates states = new InMemoryProcessStates();
    private final List<String> sent = new ArrayList<>();
    private final ProcessProjection<CounterEvent, Watch, Remind> host = ProcessProjection.builder(
                    states,
                    PROCESS,
                    new IdleReminder(IDLE),
                    JsonStateCodec.of(Watch.class),
                    command -> EntityRef.of("counter", command.counter()),
                    (EntityRef target, Remind command, CommandContext context) ->
                            sent.add(command + " id=" + context.commandId() + " cause="
                                    + context.causationId().orElse("-")))
            .timers(timers)
            .build();
    private long sequence;

    @Test
    void anInstancesTimerIsScheduledFromTheEventsTimeReplacedCancelledAndFiresIntoItsInstanceWithIdsFromTheFiring() {
        timers.deliverTo(host.timerInputs());

        apply(new CounterEvent.Added("c-1", 2), T0);
        assertThat(timers.list(PROCESS, "c-1"))
                .extracting(ScheduledTimer::dueAt)
                .containsExactly(T0.plus(IDLE));
        apply(new CounterEvent.Added("c-1", 3), T0.plusSeconds(30)); // replaces it: due a minute after this event
        apply(new CounterEvent.Added("c-2", 1), T0);
        apply(new CounterEvent.Reset("c-2"), T0.plusSeconds(10)); // cancels c-2's and ends it
        assertThat(timers.list(PROCESS))
                .extracting(t -> t.ref().id() + "@" + t.dueAt())
                .containsExactly(PROCESS + ".c-1.idle@" + T0.plusSeconds(90));

        List<TimerFired> fired = timers.advance(Duration.ofMinutes(5));

        assertThat(fired).hasSize(1);
        TimerFired firing = fired.get(0);
        assertThat(firing.ref()).isEqualTo(TimerRef.of(PROCESS, "c-1", "idle"));
        assertThat(sent)
                .containsExactly(new Remind("c-1", 5, T0.plusSeconds(90)) + " id=" + firing.commandId(0)
                        + " cause=timer-event-1");
        assertThat(host.state("c-1")).contains(new Watch(5, true, false));
        assertThat(host.state("c-2")).isEmpty();
    }

    @Test
    void aFiringForAnInstanceThatDoesNotExistIsDroppedAndCreatesNone() {
        timers.deliverTo(host.timerInputs());
        timers.schedule(TimerRef.of(PROCESS, "c-9", "idle"), T0.plusSeconds(5));

        assertThat(timers.advance(Duration.ofSeconds(10))).hasSize(1);

        assertThat(sent).isEmpty();
        assertThat(host.state("c-9")).isEmpty();
    }

    @Test
    void aProcessAskingForTimersOnAHostWithoutTimersFailsTheEventAndSchedulesNothing() {
        ProcessProjection<CounterEvent, Watch, Remind> noTimers = ProcessProjection.builder(
                        states,
                        PROCESS,
                        new IdleReminder(IDLE),
                        JsonStateCodec.of(Watch.class),
                        command -> EntityRef.of("counter", command.counter()),
                        (EntityRef target, Remind command, CommandContext context) -> sent.add(command.toString()))
                .build();

        assertThatThrownBy(() -> noTimers.apply(delivered(new CounterEvent.Added("c-1", 1), T0)))
                .isInstanceOf(ProjectionFailure.class)
                .hasMessageContaining("timers");
        assertThat(noTimers.state("c-1")).isEmpty();
    }

    private void apply(CounterEvent event, Instant time) {
        clock.set(time.isAfter(clock.instant()) ? time : clock.instant());
        host.apply(delivered(event, time));
    }

    private DeliveredEvent<CounterEvent> delivered(CounterEvent event, Instant time) {
        long seq = ++sequence;
        return new DeliveredEvent<>(
                event,
                new RecordedEvent(
                        EntityRef.of("counter", event.counter()),
                        seq,
                        time,
                        "event-" + seq,
                        time,
                        new CounterCodec().encode(event),
                        "cmd-" + seq,
                        "corr-" + seq,
                        Optional.empty(),
                        Map.of()));
    }
}
