package dev.verdict.decider;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link ProcessManager} asks of its instance's durable timers in reaction to an input ({@link
 * ProcessManager#timers}, {@link ProcessManager#timersOnTimer}): schedule a named timer at an instant or after a
 * duration, or cancel it. The host applies the requests for the instance the input concerns; an instance has at most
 * one timer of each name, so scheduling a name again replaces its timer. A value – compare requests in specs.
 *
 * <p>{@link After} counts from the input's own time – the triggering event's time, or the due instant of the timer
 * that fired – never from the wall clock, so reacting again to the same input asks for the same instant.
 *
 * <pre>{@code
 * public List<TimerRequest> timers(Awaiting state, InventoryEvent event) {
 *     if (event instanceof ReorderRequested) {
 *         return List.of(TimerRequest.after("follow-up", Duration.ofHours(24)));
 *     }
 *     return event instanceof StockReceived ? List.of(TimerRequest.cancel("follow-up")) : List.of();
 * }
 * }</pre>
 */
public sealed interface TimerRequest {

    /** The timer's name within the instance: one subject token (letters, digits, {@code -}, {@code _}). */
    String name();

    /**
     * Schedule (or replace) the timer to fall due at {@code at}.
     *
     * @param name the timer's name
     * @param at when it falls due
     */
    record At(String name, Instant at) implements TimerRequest {
        public At {
            requireName(name);
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * Schedule (or replace) the timer to fall due {@code delay} after the input's time.
     *
     * @param name the timer's name
     * @param delay how long after the input's time, not negative
     */
    record After(String name, Duration delay) implements TimerRequest {
        public After {
            requireName(name);
            if (Objects.requireNonNull(delay, "delay").isNegative()) {
                throw new IllegalArgumentException("delay must not be negative, was " + delay);
            }
        }
    }

    /**
     * Cancel the timer, if it is scheduled.
     *
     * @param name the timer's name
     */
    record Cancel(String name) implements TimerRequest {
        public Cancel {
            requireName(name);
        }
    }

    /** Schedule (or replace) the timer {@code name} to fall due at {@code at}. */
    static TimerRequest at(String name, Instant at) {
        return new At(name, at);
    }

    /** Schedule (or replace) the timer {@code name} to fall due {@code delay} after the input's time. */
    static TimerRequest after(String name, Duration delay) {
        return new After(name, delay);
    }

    /** Cancel the timer {@code name}. */
    static TimerRequest cancel(String name) {
        return new Cancel(name);
    }

    /** The due instant of a schedule request for an input of time {@code inputTime}; empty for a cancel. */
    default java.util.Optional<Instant> dueAt(Instant inputTime) {
        if (this instanceof At a) {
            return java.util.Optional.of(a.at());
        }
        if (this instanceof After a) {
            return java.util.Optional.of(inputTime.plus(a.delay()));
        }
        return java.util.Optional.empty();
    }

    private static void requireName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,128}")) {
            throw new IllegalArgumentException(
                    "timer name '" + name + "' must be 1-128 ASCII letters, digits, '-' or '_'");
        }
    }
}
