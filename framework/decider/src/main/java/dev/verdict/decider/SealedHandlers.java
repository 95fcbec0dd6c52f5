package dev.verdict.decider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One handler per permitted subtype of a sealed root, checked once when a typed decider, view or process is built
 * and then looked up by the value's class – by identity among the hierarchy's own classes, else through a {@link
 * ClassValue} (for subclasses of non-sealed members): no reflection, no allocation and no {@code instanceof} chain on
 * the hot path.
 *
 * <p>Coverage is checked over the <em>leaves</em> of the sealed hierarchy – the permitted subtypes that are not
 * sealed themselves, found recursively through nested sealed interfaces and classes (a sealed class that is not
 * abstract is a leaf too, for its own instances). Every leaf must be covered by exactly one handler; a handler may
 * be registered for a leaf or for a sealed group of leaves, never for both a group and one of its members.
 *
 * @param <H> the handler type
 */
final class SealedHandlers<H> {
    private final Class<?> root;
    private final String role;
    private final ClassValue<H> byClass;
    /** The leaves' own classes and their handlers, compared by identity first: most values are of these. */
    private final Class<?>[] leafClasses;

    private final Object[] leafHandlers;

    private SealedHandlers(Class<?> root, String role, Map<Class<?>, H> handlers, Set<Class<?>> leaves) {
        this.root = root;
        this.role = role;
        Map<Class<?>, H> frozen = Map.copyOf(handlers);
        List<Class<?>> exact = new ArrayList<>();
        List<Object> exactHandlers = new ArrayList<>();
        for (Class<?> leaf : leaves) {
            for (Map.Entry<Class<?>, H> e : frozen.entrySet()) {
                if (e.getKey().isAssignableFrom(leaf) && !leaf.isInterface()) {
                    exact.add(leaf);
                    exactHandlers.add(e.getValue());
                    break;
                }
            }
        }
        this.leafClasses = exact.toArray(new Class<?>[0]);
        this.leafHandlers = exactHandlers.toArray();
        this.byClass = new ClassValue<>() {
            @Override
            protected H computeValue(Class<?> type) {
                for (Map.Entry<Class<?>, H> e : frozen.entrySet()) {
                    if (e.getKey().isAssignableFrom(type)) {
                        return e.getValue();
                    }
                }
                throw new IllegalArgumentException(type.getName() + " is not a " + role + " of this model (a "
                        + name(root) + " with a handler); was it passed through a raw or unchecked type?");
            }
        };
    }

    /**
     * Refuses a root that is not sealed, naming it: without {@code permits} the set of subtypes is open, so no
     * builder can promise that every one has a handler.
     */
    static void requireSealed(Class<?> root, String role, String fallback) {
        Objects.requireNonNull(root, role + " type");
        if (!root.isSealed()) {
            throw new IllegalArgumentException(name(root) + " is not sealed: a typed builder can check that every "
                    + role + " has a handler only when the " + role + " type is a sealed interface or class"
                    + " (declare it 'sealed' and list its subtypes, or let them be inferred from the same file);"
                    + " for an open type use " + fallback);
        }
    }

    /**
     * The handlers, checked against the sealed hierarchy of {@code root}. Every problem found (a leaf without a
     * handler, a leaf covered twice, a handler that covers nothing) is appended to {@code problems} as one sentence
     * naming the types, so that a builder reports all of them at once.
     */
    static <H> SealedHandlers<H> of(Class<?> root, String role, Map<Class<?>, H> handlers, List<String> problems) {
        Set<Class<?>> leaves = new LinkedHashSet<>();
        collectLeaves(root, leaves);
        Set<Class<?>> used = new LinkedHashSet<>();
        for (Class<?> leaf : leaves) {
            List<Class<?>> covering = new ArrayList<>(2);
            for (Class<?> handled : handlers.keySet()) {
                if (handled.isAssignableFrom(leaf)) {
                    covering.add(handled);
                }
            }
            if (covering.isEmpty()) {
                problems.add("no handler for " + role + " " + name(leaf));
            } else if (covering.size() > 1) {
                List<String> names = covering.stream().map(SealedHandlers::name).toList();
                problems.add(role + " " + name(leaf) + " has more than one handler (" + String.join(", ", names)
                        + "); register either a sealed group or its members, not both");
            }
            used.addAll(covering);
        }
        for (Class<?> handled : handlers.keySet()) {
            if (!used.contains(handled)) {
                problems.add("the handler for " + name(handled) + " covers no " + role + " reachable through the"
                        + " permits of " + name(root) + " (a subtype of a non-sealed subtype? register that one)");
            }
        }
        return new SealedHandlers<>(root, role, new LinkedHashMap<>(handlers), leaves);
    }

    /** The handler for the value's class. */
    @SuppressWarnings("unchecked")
    H handlerFor(Object value) {
        if (value == null) {
            throw new NullPointerException("a " + role + " is a value, not null");
        }
        Class<?> type = value.getClass();
        Class<?>[] classes = leafClasses;
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] == type) {
                return (H) leafHandlers[i];
            }
        }
        return byClass.get(type);
    }

    Class<?> root() {
        return root;
    }

    private static void collectLeaves(Class<?> type, Set<Class<?>> leaves) {
        if (!type.isSealed()) {
            leaves.add(type);
            return;
        }
        if (!type.isInterface() && !java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
            leaves.add(type);
        }
        for (Class<?> permitted : type.getPermittedSubclasses()) {
            collectLeaves(permitted, leaves);
        }
    }

    /** {@code RxCommand.Dispense} rather than {@code com.example.rx.RxCommand$Dispense}. */
    static String name(Class<?> type) {
        String canonical = type.getCanonicalName();
        if (canonical == null) {
            return type.getName();
        }
        String pkg = type.getPackageName();
        return pkg.isEmpty() ? canonical : canonical.substring(pkg.length() + 1);
    }
}
