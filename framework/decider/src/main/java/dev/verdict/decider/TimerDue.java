package dev.verdict.decider;

import java.time.Instant;
import java.util.Objects;

/**
 * A timer of a process instance that fell due, as {@link ProcessManager#onTimer} sees it: the instance's key, the
 * timer's name within the instance and the instant it was due (it fires at or after it, never before). The host delivers it to the instance
 * the timer was scheduled for.
 *
 * <pre>{@code
 * List<InventoryCommand> onTimer(Awaiting state, TimerDue due) {
 *     return due.name().equals("follow-up") && !state.followedUp()
 *             ? List.of(new RequestReorder(due.instance(), threshold, quantity, due.dueAt()))
 *             : List.of();
 * }
 * }</pre>
 *
 * @param instance the key of the instance the timer belongs to ({@link ProcessManager#instancesOf})
 * @param name the timer's name, as requested ({@link TimerRequest#name()})
 * @param dueAt when it was due
 */
public record TimerDue(String instance, String name, Instant dueAt) {
    public TimerDue {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dueAt, "dueAt");
    }
}
