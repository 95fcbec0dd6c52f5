package dev.verdict.store.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The upcasters of one codec, per stored type name and schema version, and the walk that lifts a stored event to the
 * current events it stands for. Built and checked once; immutable; used by {@link JsonEventCodec}.
 */
final class UpcastChain<E> {
    /** More steps than this for one stored event is taken for a cycle between types. */
    static final int MAX_STEPS = 32;

    private final EventTypeRegistry<E> registry;
    /** canonical (or retired) type name -> (fromVersion -> upcaster). */
    private final Map<String, Map<Integer, EventUpcaster>> steps;
    /** registered type name -> stored version (index) -> its path of 1:1 upcasters, or null where there is none. */
    private final Map<String, List<Direct<E>>> direct;

    /**
     * A stored version lifted to the current one by 1:1 {@link Upcaster}s alone, resolved when the chain is built: the
     * hot path of upcasting walks it without looking anything up or checking anything per event.
     *
     * @param name the registered type's name
     * @param fromVersion the stored version
     * @param upcasters the upcasters from {@code fromVersion} up to the current version, in order
     * @param target the registration the lifted JSON binds to
     */
    record Direct<E>(
            String name, int fromVersion, List<Upcaster> upcasters, EventTypeRegistry.Registration<E> target) {}

    private UpcastChain(
            EventTypeRegistry<E> registry,
            Map<String, Map<Integer, EventUpcaster>> steps,
            Map<String, List<Direct<E>>> direct) {
        this.registry = registry;
        this.steps = steps;
        this.direct = direct;
    }

    /**
     * Checks and indexes the upcasters: a registered type's chain is gap-free up to its current version and never
     * starts at or above it; a retired type's chain is gap-free from its lowest version and ends with a general
     * {@link EventUpcaster} (a 1:1 step would lead to a version nothing reads); no two upcasters share a type and
     * version.
     */
    static <E> UpcastChain<E> of(EventTypeRegistry<E> registry, List<Upcaster> oneToOne, List<EventUpcaster> general) {
        Map<String, Map<Integer, EventUpcaster>> byType = new HashMap<>();
        Set<EventUpcaster> generalSteps = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<EventUpcaster, Upcaster> wrapped = new IdentityHashMap<>();
        List<EventUpcaster> all = new ArrayList<>();
        for (Upcaster u : oneToOne) {
            EventUpcaster step = EventUpcaster.of(u);
            wrapped.put(step, u);
            all.add(step);
        }
        all.addAll(general);
        generalSteps.addAll(general);
        for (EventUpcaster u : all) {
            Optional<EventTypeRegistry.Registration<E>> r = registry.registrationNamed(u.type());
            if (r.isEmpty() && general.stream().noneMatch(g -> g.type().equals(u.type()))) {
                throw new IllegalArgumentException("upcaster for unknown event type '" + u.type() + "'; known: "
                        + registry.names() + " (a retired type needs an EventUpcaster that drops or retypes it)");
            }
            if (r.isPresent() && u.fromVersion() >= r.get().version()) {
                throw new IllegalArgumentException("upcaster of '" + u.type() + "' from version " + u.fromVersion()
                        + " is useless: the current version of "
                        + r.get().type().getName() + " is "
                        + r.get().version());
            }
            String key = r.map(EventTypeRegistry.Registration::name).orElse(u.type());
            if (byType.computeIfAbsent(key, k -> new TreeMap<>()).putIfAbsent(u.fromVersion(), u) != null) {
                throw new IllegalArgumentException("two upcasters of '" + key + "' from version " + u.fromVersion());
            }
        }
        byType.forEach((name, chain) -> {
            Optional<EventTypeRegistry.Registration<E>> r = registry.registrationNamed(name);
            int lowest = ((TreeMap<Integer, EventUpcaster>) chain).firstKey();
            int highest = ((TreeMap<Integer, EventUpcaster>) chain).lastKey();
            int end = r.map(reg -> reg.version() - 1).orElse(highest);
            for (int v = lowest; v <= end; v++) {
                if (!chain.containsKey(v)) {
                    throw new IllegalArgumentException("the upcasters of '" + name + "' have a gap: from version "
                            + lowest + " to " + (end + 1) + " there is none from version " + v);
                }
            }
            if (r.isEmpty() && !generalSteps.contains(chain.get(highest))) {
                throw new IllegalArgumentException("'" + name + "' is a retired type (no record carries it): its"
                        + " last upcaster, from version " + highest + ", must be an EventUpcaster that drops or"
                        + " retypes it, not a 1:1 Upcaster");
            }
        });
        return new UpcastChain<>(registry, byType, directPaths(registry, byType, wrapped));
    }

    /** Per registered type and stored version: the path when every step up to the current version is 1:1. */
    private static <E> Map<String, List<Direct<E>>> directPaths(
            EventTypeRegistry<E> registry,
            Map<String, Map<Integer, EventUpcaster>> byType,
            Map<EventUpcaster, Upcaster> wrapped) {
        Map<String, List<Direct<E>>> paths = new HashMap<>();
        byType.forEach((name, chain) -> registry.registrationNamed(name)
                .filter(r -> r.name().equals(name))
                .ifPresent(r -> {
                    List<Direct<E>> byVersion = new ArrayList<>(Collections.nCopies(r.version(), null));
                    for (int from : chain.keySet()) {
                        List<Upcaster> path = new ArrayList<>();
                        for (int v = from; v < r.version() && wrapped.containsKey(chain.get(v)); v++) {
                            path.add(wrapped.get(chain.get(v)));
                        }
                        if (path.size() == r.version() - from) {
                            byVersion.set(from, new Direct<>(name, from, List.copyOf(path), r));
                        }
                    }
                    paths.put(name, Collections.unmodifiableList(byVersion));
                }));
        return Map.copyOf(paths);
    }

    /**
     * The path of 1:1 upcasters that lifts a stored event of the registered type's name at {@code version} to the
     * current version, or null when there is none (the current version, an alias, a retired type, a general upcaster
     * on the way): then {@link #upcast} walks the chain step by step.
     */
    Direct<E> direct(String type, int version) {
        List<Direct<E>> byVersion = direct.get(type);
        return byVersion == null || version < 1 || version >= byVersion.size() ? null : byVersion.get(version);
    }

    /** Refuses a stored name this chain cannot read: neither a registered name, an alias nor a retired type. */
    void requireKnown(String type) {
        if (registry.registrationNamed(type).isEmpty() && !steps.containsKey(type)) {
            throw new IllegalArgumentException(
                    "unknown event type '" + type + "'; this codec knows " + new TreeMap<>(namesByVersion()));
        }
    }

    /** Whether stored events of {@code type} at {@code version} can be read (current version or an upcaster path). */
    boolean reads(String type, int version) {
        Optional<EventTypeRegistry.Registration<E>> r = registry.registrationNamed(type);
        if (r.isPresent() && version == r.get().version()) {
            return true;
        }
        if (r.isPresent() && version > r.get().version()) {
            return false;
        }
        return steps.getOrDefault(r.map(EventTypeRegistry.Registration::name).orElse(type), Map.of())
                .containsKey(version);
    }

    /** Whether the event is at its registered type's current version under the type's current name. */
    boolean isCurrent(String type, int version) {
        return registry.registrationNamed(type)
                .filter(r -> r.name().equals(type) && r.version() == version)
                .isPresent();
    }

    /**
     * One step: the events the upcaster of the stored type and version produces, or empty when the event is at its
     * registered type's current version (an alias is renamed to the current name at no cost).
     */
    Optional<List<UpcastEvent>> step(UpcastEvent event) {
        requireKnown(event.type());
        Optional<EventTypeRegistry.Registration<E>> r = registry.registrationNamed(event.type());
        if (r.isPresent() && event.version() > r.get().version()) {
            throw new IllegalArgumentException("'" + event.type() + "' has schema version " + event.version()
                    + ", newer than the current version " + r.get().version() + " of "
                    + r.get().type().getName() + " (written by newer code?)");
        }
        if (r.isPresent() && event.version() == r.get().version()) {
            return r.get().name().equals(event.type())
                    ? Optional.empty()
                    : Optional.of(List.of(new UpcastEvent(r.get().name(), event.version(), event.json())));
        }
        String name = r.map(EventTypeRegistry.Registration::name).orElse(event.type());
        EventUpcaster upcaster = steps.getOrDefault(name, Map.of()).get(event.version());
        if (upcaster == null) {
            throw new IllegalArgumentException("no upcaster for '" + name + "' from schema version "
                    + event.version()
                    + r.map(reg -> " (current version " + reg.version() + ")").orElse(" (a retired type)"));
        }
        List<UpcastEvent> produced;
        try {
            produced = upcaster.apply(event.json());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "the upcaster of '" + name + "' from version " + event.version() + " failed: " + e.getMessage(), e);
        }
        List<UpcastEvent> result = new ArrayList<>(produced.size());
        for (UpcastEvent p : produced) {
            if (p == null) {
                throw new IllegalArgumentException(
                        "the upcaster of '" + name + "' from version " + event.version() + " produced null");
            }
            String producedName = registry.registrationNamed(p.type())
                    .map(EventTypeRegistry.Registration::name)
                    .orElse(p.type());
            if (producedName.equals(name) && p.version() <= event.version()) {
                throw new IllegalArgumentException("the upcaster of '" + name + "' from version " + event.version()
                        + " produced '" + p.type() + "' version " + p.version() + ": the chain must move forward");
            }
            // several events may share a node the upcaster reused: each continues on its own copy
            result.add(
                    produced.size() == 1
                            ? p
                            : new UpcastEvent(p.type(), p.version(), p.json().deepCopy()));
        }
        return Optional.of(result);
    }

    /** The current events a stored event stands for, in order; each carries its type's current name and version. */
    List<UpcastEvent> upcast(UpcastEvent stored) {
        List<UpcastEvent> out = new ArrayList<>(1);
        walk(stored, 0, out);
        return out;
    }

    private void walk(UpcastEvent event, int depth, List<UpcastEvent> out) {
        if (depth > MAX_STEPS) {
            throw new IllegalArgumentException("upcasting '" + event.type() + "' took more than " + MAX_STEPS
                    + " steps: the upcasters form a cycle");
        }
        Optional<List<UpcastEvent>> next = step(event);
        if (next.isEmpty()) {
            out.add(event);
            return;
        }
        for (UpcastEvent produced : next.get()) {
            walk(produced, depth + 1, out);
        }
    }

    /** The registration a current event decodes into. */
    EventTypeRegistry.Registration<E> registrationOf(UpcastEvent current) {
        return registry.registrationNamed(current.type()).orElseThrow();
    }

    private Map<String, Integer> namesByVersion() {
        Map<String, Integer> names = new HashMap<>();
        for (String name : registry.names()) {
            names.put(name, registry.registrationNamed(name).orElseThrow().version());
        }
        return names;
    }
}
