package dev.verdict.testing;

import dev.verdict.decider.TimerRequest;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The timers a {@link ProcessSpec} keeps for a process's instances, as the host keeps them: one per instance and
 * name, a schedule replaces, a cancel removes, a firing removes. Immutable: each change returns a new value.
 */
final class ProcessTimers {
    /**
     * One scheduled timer.
     *
     * @param instance the instance it belongs to
     * @param name its name within the instance
     * @param dueAt when it falls due
     */
    record Scheduled(String instance, String name, Instant dueAt) {
        Scheduled {
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dueAt, "dueAt");
        }
    }

    static final ProcessTimers NONE = new ProcessTimers(Map.of());

    private final Map<String, Scheduled> byId;

    private ProcessTimers(Map<String, Scheduled> byId) {
        this.byId = byId;
    }

    /** These timers with the instance's requests applied, {@code After} counted from {@code inputTime}. */
    ProcessTimers apply(String instance, List<TimerRequest> requests, Instant inputTime) {
        if (requests.isEmpty()) {
            return this;
        }
        Map<String, Scheduled> next = new LinkedHashMap<>(byId);
        for (TimerRequest request : requests) {
            String id = instance + "." + request.name();
            Optional<Instant> due = request.dueAt(inputTime);
            if (due.isPresent()) {
                next.put(id, new Scheduled(instance, request.name(), due.get()));
            } else {
                next.remove(id);
            }
        }
        return new ProcessTimers(Map.copyOf(next));
    }

    /** The timer of the instance with that name, if scheduled. */
    Optional<Scheduled> find(String instance, String name) {
        return Optional.ofNullable(byId.get(instance + "." + name));
    }

    /** The first timer due at or before {@code until}: by due instant, then instance and name. */
    Optional<Scheduled> nextDue(Instant until) {
        return byId.values().stream()
                .filter(t -> !t.dueAt().isAfter(until))
                .min(Comparator.comparing(Scheduled::dueAt)
                        .thenComparing(Scheduled::instance)
                        .thenComparing(Scheduled::name));
    }

    /** These timers without the one that fired. */
    ProcessTimers without(Scheduled fired) {
        Map<String, Scheduled> next = new LinkedHashMap<>(byId);
        next.remove(fired.instance() + "." + fired.name());
        return new ProcessTimers(Map.copyOf(next));
    }

    /** Every scheduled timer, by due instant. */
    List<Scheduled> all() {
        return byId.values().stream()
                .sorted(Comparator.comparing(Scheduled::dueAt)
                        .thenComparing(Scheduled::instance)
                        .thenComparing(Scheduled::name))
                .toList();
    }
}
