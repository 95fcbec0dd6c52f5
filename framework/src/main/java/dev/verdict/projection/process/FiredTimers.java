package dev.verdict.projection.process;

import dev.verdict.decider.ProcessManager;
import dev.verdict.decider.TimerDue;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionUnavailable;
import dev.verdict.projection.process.InstanceRun.Moved;
import dev.verdict.projection.process.InstanceRun.Step;
import dev.verdict.projection.process.ProcessEntries.Located;
import dev.verdict.store.CommandContext;
import dev.verdict.store.TimerFired;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A process's fired timers as a projection ({@link ProcessProjection#timerInputs()}): each firing is applied to the
 * instance it was scheduled for through the same {@link InstanceRun} as the process's events, under the host's lock.
 * It keeps no checkpoint: the consumer's acknowledgements are its position.
 */
final class FiredTimers<S, C> implements Projection<TimerFired> {
    private final String name;
    private final ProcessManager<?, S, C> process;
    private final ProcessEntries<S> entries;
    private final InstanceRun<S, C> run;
    private final Object lock;

    FiredTimers(
            String name,
            ProcessManager<?, S, C> process,
            ProcessEntries<S> entries,
            InstanceRun<S, C> run,
            Object lock) {
        this.name = name;
        this.process = process;
        this.entries = entries;
        this.run = run;
        this.lock = lock;
    }

    @Override
    public String name() {
        return "timers-" + name;
    }

    @Override
    public OptionalLong checkpoint() {
        return OptionalLong.empty();
    }

    @Override
    public void apply(DeliveredEvent<TimerFired> delivered) {
        synchronized (lock) {
            applyFired(delivered);
        }
    }

    @Override
    public void reset() {
        // no data of its own: the instance states are the process's
    }

    private void applyFired(DeliveredEvent<TimerFired> delivered) {
        TimerFired fired = delivered.event();
        if (!fired.ref().owner().equals(name)) {
            throw new IllegalArgumentException("timer " + fired.ref() + " is not owned by process '" + name + "'");
        }
        String key = fired.ref().instance();
        TimerDue due = new TimerDue(key, fired.ref().name(), fired.dueAt());
        for (int attempt = 1; ; attempt++) {
            long readAt = System.nanoTime();
            Optional<Located<S>> located = entries.locate(key);
            if (located.isEmpty()) {
                return; // no such instance (never began, or ended): nothing waits for this timer
            }
            Located<S> at = located.get();
            S state = at.instance().state();
            Step<S, C> step = new Step<>(
                    List.copyOf(process.onTimer(state, due)),
                    process.evolveOnTimer(state, due),
                    List.copyOf(process.timersOnTimer(state, due)));
            try {
                OptionalLong revision = run.run(
                        key,
                        at.partition(),
                        at.position(),
                        at.instance(),
                        readAt,
                        step,
                        -delivered.sequence(),
                        i -> new CommandContext(
                                fired.commandId(i),
                                delivered.recorded().correlationId(),
                                Optional.of(delivered.recorded().eventId()),
                                Map.of()),
                        fired.dueAt(),
                        at.instance().sequence());
                if (revision.isPresent()) {
                    if (process.ended(step.next())
                            && at.position().checkpoint().sequence()
                                    >= at.instance().sequence()) {
                        entries.deleteEnded(key, revision.getAsLong());
                    }
                    return;
                }
            } catch (Moved moved) {
                // read again
            }
            if (attempt >= InstanceRun.CAS_ATTEMPTS) {
                throw new ProjectionUnavailable(
                        "process '" + name + "': instance '" + key + "' was written concurrently " + attempt
                                + " times while applying timer " + fired.ref() + "; retrying later",
                        null);
            }
        }
    }
}
