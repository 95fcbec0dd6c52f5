package dev.verdict.testing;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.providers.TypeUsage;

/**
 * Derives jqwik arbitraries for sealed interfaces of records: one of the permitted subtypes, each record built from
 * arbitraries of its components (records and sealed types recursively, enums by value, anything else by jqwik's
 * default for the component's generic type).
 */
final class RecordArbitraries {
    private static final int MAX_DEPTH = 5;

    private RecordArbitraries() {}

    static <T> Arbitrary<T> of(Class<T> type) {
        return of(type, 0);
    }

    @SuppressWarnings("unchecked")
    private static <T> Arbitrary<T> of(Class<T> type, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(
                    "cannot derive an arbitrary for " + type.getName() + ": types nest deeper than " + MAX_DEPTH);
        }
        if (type.isSealed()) {
            List<Arbitrary<T>> choices = new ArrayList<>();
            for (Class<?> permitted : type.getPermittedSubclasses()) {
                choices.add((Arbitrary<T>) of(permitted, depth + 1));
            }
            return Arbitraries.oneOf(choices);
        }
        if (type.isEnum()) {
            return Arbitraries.of(type.getEnumConstants());
        }
        if (type.isRecord()) {
            return record(type, depth);
        }
        throw new IllegalArgumentException("cannot derive an arbitrary for " + type.getName()
                + ": only sealed interfaces, records and enums are derived; give an Arbitrary of your own");
    }

    private static <T> Arbitrary<T> record(Class<T> type, int depth) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] parameterTypes = new Class<?>[components.length];
        List<Arbitrary<Object>> parts = new ArrayList<>();
        for (int i = 0; i < components.length; i++) {
            parameterTypes[i] = components[i].getType();
            parts.add(component(components[i], depth));
        }
        Constructor<T> constructor;
        try {
            constructor = type.getDeclaredConstructor(parameterTypes);
            constructor.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot use the canonical constructor of " + type.getName(), e);
        }
        if (parts.isEmpty()) {
            return Arbitraries.just(construct(constructor, List.of())
                    .orElseThrow(() -> new IllegalArgumentException(type.getName() + "() refuses to be constructed")));
        }
        // values the record's constructor refuses (validation) are filtered out, not reported as failures
        return Combinators.combine(parts)
                .as(values -> construct(constructor, values))
                .filter(Optional::isPresent)
                .map(Optional::get);
    }

    @SuppressWarnings("unchecked")
    private static Arbitrary<Object> component(RecordComponent component, int depth) {
        Class<?> type = component.getType();
        if (type.isSealed() || type.isRecord() || type.isEnum()) {
            return (Arbitrary<Object>) of(type, depth + 1);
        }
        return Arbitraries.defaultFor(TypeUsage.forType(component.getGenericType()));
    }

    private static <T> Optional<T> construct(Constructor<T> constructor, List<Object> values) {
        try {
            return Optional.of(constructor.newInstance(values.toArray()));
        } catch (java.lang.reflect.InvocationTargetException e) {
            return Optional.empty();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "cannot construct " + constructor.getDeclaringClass().getName(), e);
        }
    }
}
