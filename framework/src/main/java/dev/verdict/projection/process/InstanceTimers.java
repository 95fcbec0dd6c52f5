package dev.verdict.projection.process;

import dev.verdict.decider.TimerRequest;
import dev.verdict.projection.ProjectionFailure;
import dev.verdict.projection.ProjectionUnavailable;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.InvalidIdentifier;
import dev.verdict.store.TimerRef;
import dev.verdict.store.Timers;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Applies a process instance's {@link TimerRequest}s through a {@link Timers} port: the timer {@code <process>.
 * <instance>.<name>}, due at the requested instant or the input's time plus the requested delay – so the same input
 * asks for the same timer, and applying the requests again (a retry) changes nothing.
 */
final class InstanceTimers {
    private final String process;
    private final Optional<Timers> timers;

    InstanceTimers(String process, Optional<Timers> timers) {
        this.process = process;
        this.timers = timers;
    }

    /**
     * Schedules or cancels each requested timer of the instance, in order.
     *
     * @throws ProjectionUnavailable when the timer store cannot be reached (retry the input)
     * @throws ProjectionFailure when the host has no timers, or the instance key or a name is not one subject token
     */
    void apply(String instance, List<TimerRequest> requests, Instant inputTime) {
        if (requests.isEmpty()) {
            return;
        }
        Timers store = timers.orElseThrow(() -> new ProjectionFailure("process '" + process
                + "' asked for timers " + requests + " but its host has none: ProcessProjection.builder(...).timers("
                + "timers)"));
        for (TimerRequest request : requests) {
            TimerRef ref;
            try {
                ref = TimerRef.of(process, instance, request.name());
            } catch (InvalidIdentifier e) {
                throw new ProjectionFailure(
                        "process '" + process + "': cannot name a timer of instance '" + instance + "': "
                                + e.getMessage(),
                        e);
            }
            try {
                Optional<Instant> due = request.dueAt(inputTime);
                if (due.isPresent()) {
                    store.schedule(ref, due.get());
                } else {
                    store.cancel(ref);
                }
            } catch (EventStoreUnavailable e) {
                throw new ProjectionUnavailable(
                        "process '" + process + "': cannot apply " + request + " to timer " + ref + ": "
                                + e.getMessage(),
                        e);
            }
        }
    }
}
