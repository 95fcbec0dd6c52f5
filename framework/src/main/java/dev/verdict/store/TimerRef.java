package dev.verdict.store;

import java.util.Objects;

/**
 * Names one durable timer: the owner that reacts when it falls due (a process manager's name, e.g. {@code
 * prescription-expiry}), the instance it belongs to (the process instance's correlation key, e.g. the prescription
 * id) and the timer's name within that instance ({@code expiry}). An instance has at most one timer of each name:
 * scheduling it again replaces it.
 *
 * <p>Each part is one subject token (ASCII letters, digits, {@code -}, {@code _}; see {@link EntityId}); anything
 * else is refused with {@link InvalidIdentifier} saying exactly what is wrong.
 *
 * <pre>{@code
 * TimerRef expiry = TimerRef.of("prescription-expiry", "rx-42", "expiry");
 * expiry.id(); // "prescription-expiry.rx-42.expiry"
 * }</pre>
 *
 * @param owner who reacts to the timer, one token
 * @param instance the instance of the owner it belongs to, one token
 * @param name the timer's name within the instance, one token
 */
public record TimerRef(String owner, String instance, String name) {
    public TimerRef {
        SubjectTokens.requireToken("timer owner", owner);
        SubjectTokens.requireToken("timer instance", instance);
        SubjectTokens.requireToken("timer name", name);
    }

    public static TimerRef of(String owner, String instance, String name) {
        return new TimerRef(owner, instance, name);
    }

    /** The timer's id, {@code <owner>.<instance>.<name>}: unique among the timers of a store. */
    public String id() {
        return owner + "." + instance + "." + name;
    }

    /** The same timer name for another instance of the same owner. */
    public TimerRef forInstance(String otherInstance) {
        return new TimerRef(owner, Objects.requireNonNull(otherInstance, "otherInstance"), name);
    }

    @Override
    public String toString() {
        return id();
    }
}
