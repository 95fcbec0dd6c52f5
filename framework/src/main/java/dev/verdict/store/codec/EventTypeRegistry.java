package dev.verdict.store.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maps stable stored event type names to event record classes and back, with each type's current schema version.
 *
 * <p>Guarantees, checked when the registry is built so that a misconfiguration fails at start-up, not at the first
 * read: every name is unique (also across aliases), every registered type is a record, and – for a sealed root –
 * every permitted subtype is covered (sealed sub-interfaces are walked; a {@code non-sealed} subtype or a class that
 * is not a record is refused, since events of it could not be named). Names default to the simple class name and
 * can be pinned with {@link EventType}; they are never the fully qualified class name, so packages can be
 * refactored without touching stored data.
 *
 * <pre>{@code
 * sealed interface PrescriptionEvent permits Ordered, Dispensed {}
 * EventTypeRegistry<PrescriptionEvent> types = EventTypeRegistry.of(PrescriptionEvent.class);
 * types.nameOf(Ordered.class);          // "Ordered" (or the @EventType name)
 * types.typeNamed("Ordered");           // Optional[class Ordered]
 *
 * EventTypeRegistry<PrescriptionEvent> renamed = EventTypeRegistry.builder(PrescriptionEvent.class)
 *         .register(Ordered.class, "PrescriptionOrdered", 2)
 *         .alias("RxOrdered", Ordered.class)   // events stored under an older name
 *         .build();
 * }</pre>
 *
 * @param <E> the root event type
 */
public final class EventTypeRegistry<E> {
    private static final Pattern NAME = Pattern.compile("[\\x21-\\x7E]{1,200}");

    /** One registered event type. */
    public record Registration<E>(String name, int version, Class<? extends E> type) {}

    private final Class<E> root;
    private final Map<Class<?>, Registration<E>> byClass;
    private final Map<String, Registration<E>> byName;

    private EventTypeRegistry(
            Class<E> root, Map<Class<?>, Registration<E>> byClass, Map<String, Registration<E>> byName) {
        this.root = root;
        this.byClass = Collections.unmodifiableMap(byClass);
        this.byName = Collections.unmodifiableMap(byName);
    }

    /**
     * The registry of all records permitted by a sealed root (directly or through sealed sub-interfaces), named by
     * {@link EventType} or their simple class name.
     *
     * @throws IllegalArgumentException when the root is not sealed, a subtype is not a record, or two names clash
     */
    public static <E> EventTypeRegistry<E> of(Class<E> sealedRoot) {
        if (!sealedRoot.isSealed()) {
            throw new IllegalArgumentException(sealedRoot.getName()
                    + " is not sealed: use EventTypeRegistry.builder(root).register(...) to list its event types");
        }
        return builder(sealedRoot).build();
    }

    /** A builder for explicit registrations; with a sealed root, unlisted permitted records are added as by {@link #of}. */
    public static <E> Builder<E> builder(Class<E> root) {
        return new Builder<>(root);
    }

    /** The root event type. */
    public Class<E> root() {
        return root;
    }

    /** The registration of an event's class. */
    public Registration<E> registrationOf(Class<?> type) {
        Registration<E> r = byClass.get(type);
        if (r == null) {
            throw new IllegalArgumentException(
                    type.getName() + " is not a registered event type of " + root.getName() + "; registered: "
                            + byClass.keySet().stream()
                                    .map(Class::getSimpleName)
                                    .sorted()
                                    .toList());
        }
        return r;
    }

    /** The stored name of an event class. */
    public String nameOf(Class<?> type) {
        return registrationOf(type).name();
    }

    /** The current schema version of an event class. */
    public int versionOf(Class<?> type) {
        return registrationOf(type).version();
    }

    /** The registration for a stored name (or alias), if any. */
    public Optional<Registration<E>> registrationNamed(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The class for a stored name (or alias), if any. */
    public Optional<Class<? extends E>> typeNamed(String name) {
        return registrationNamed(name).map(Registration::type);
    }

    /** All registrations, one per class. */
    public List<Registration<E>> registrations() {
        return List.copyOf(byClass.values());
    }

    /** All names a stored event may carry (current names and aliases). */
    public Set<String> names() {
        return byName.keySet();
    }

    /** Builds an {@link EventTypeRegistry}; see there for the checks. */
    public static final class Builder<E> {
        private final Class<E> root;
        private final Map<Class<?>, Registration<E>> explicit = new LinkedHashMap<>();
        private final Map<String, Class<? extends E>> aliases = new LinkedHashMap<>();

        private Builder(Class<E> root) {
            this.root = Objects.requireNonNull(root, "root");
        }

        /** Registers a record under its {@link EventType} name and version, or its simple name at version 1. */
        public Builder<E> register(Class<? extends E> type) {
            EventType annotation = type.getAnnotation(EventType.class);
            String name =
                    annotation == null || annotation.value().isEmpty() ? type.getSimpleName() : annotation.value();
            int version = annotation == null ? 1 : annotation.version();
            return register(type, name, version);
        }

        /** Registers a record under an explicit name and current schema version (overrides {@link EventType}). */
        public Builder<E> register(Class<? extends E> type, String name, int version) {
            requireRecord(type);
            requireName(name, type);
            if (version < 1) {
                throw new IllegalArgumentException(
                        "schema version of " + type.getName() + " must be >= 1, was " + version);
            }
            if (explicit.containsKey(type)) {
                throw new IllegalArgumentException(type.getName() + " is registered twice");
            }
            explicit.put(type, new Registration<>(name, version, type));
            return this;
        }

        /** Also reads events stored under {@code oldName} as {@code type} (after a rename). */
        public Builder<E> alias(String oldName, Class<? extends E> type) {
            requireName(oldName, type);
            if (aliases.putIfAbsent(oldName, type) != null) {
                throw new IllegalArgumentException("alias '" + oldName + "' is given twice");
            }
            return this;
        }

        public EventTypeRegistry<E> build() {
            Map<Class<?>, Registration<E>> byClass = new LinkedHashMap<>();
            if (root.isSealed()) {
                for (Class<? extends E> leaf : leavesOf(root)) {
                    Registration<E> r = explicit.get(leaf);
                    if (r == null) {
                        r = new Builder<>(root).register(leaf).explicit.get(leaf);
                    }
                    byClass.put(leaf, r);
                }
                for (Class<?> type : explicit.keySet()) {
                    if (!byClass.containsKey(type)) {
                        throw new IllegalArgumentException(
                                type.getName() + " is not a permitted subtype of the sealed " + root.getName());
                    }
                }
            } else {
                byClass.putAll(explicit);
            }
            if (byClass.isEmpty()) {
                throw new IllegalArgumentException("no event types registered for " + root.getName());
            }
            Map<String, Registration<E>> byName = new LinkedHashMap<>();
            for (Registration<E> r : byClass.values()) {
                Registration<E> clash = byName.putIfAbsent(r.name(), r);
                if (clash != null) {
                    throw new IllegalArgumentException("event type name '" + r.name() + "' is used by both "
                            + clash.type().getName() + " and " + r.type().getName()
                            + "; give one a distinct name with @EventType(\"...\")");
                }
            }
            aliases.forEach((alias, type) -> {
                Registration<E> target = byClass.get(type);
                if (target == null) {
                    throw new IllegalArgumentException(
                            "alias '" + alias + "' points to " + type.getName() + ", which is not registered");
                }
                Registration<E> clash = byName.putIfAbsent(alias, target);
                if (clash != null) {
                    throw new IllegalArgumentException(
                            "alias '" + alias + "' of " + type.getName() + " clashes with the event type name of "
                                    + clash.type().getName());
                }
            });
            return new EventTypeRegistry<>(root, byClass, byName);
        }

        private static <E> List<Class<? extends E>> leavesOf(Class<E> sealed) {
            List<Class<? extends E>> leaves = new ArrayList<>();
            collect(sealed, sealed, leaves);
            return leaves;
        }

        @SuppressWarnings("unchecked")
        private static <E> void collect(Class<E> root, Class<?> type, List<Class<? extends E>> leaves) {
            for (Class<?> sub : type.getPermittedSubclasses()) {
                if (sub.isRecord()) {
                    if (!leaves.contains(sub)) {
                        leaves.add((Class<? extends E>) sub);
                    }
                } else if (sub.isInterface() && sub.isSealed()) {
                    collect(root, sub, leaves);
                } else {
                    throw new IllegalArgumentException(sub.getName() + " (a permitted subtype of " + type.getName()
                            + ") is neither a record nor a sealed interface: every event type must be a record, and"
                            + " a non-sealed subtype would allow events the registry cannot name");
                }
            }
        }

        private static void requireRecord(Class<?> type) {
            if (!type.isRecord()) {
                throw new IllegalArgumentException(type.getName() + " is not a record: event types must be records");
            }
        }

        private static void requireName(String name, Class<?> type) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("event type name '" + name + "' of " + type.getName()
                        + " must be 1-200 printable ASCII characters without spaces");
            }
        }
    }
}
