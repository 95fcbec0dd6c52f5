package dev.verdict.store.personal.internal;

import dev.verdict.decider.DataSubject;
import dev.verdict.decider.PersonalData;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a record keeps personal data: its top-level {@link PersonalData} components and its {@link DataSubject}
 * component, checked once per class. Not API.
 *
 * @param personalFields the JSON names (= component names) of the personal components
 * @param subjectField the JSON name of the data subject's component
 * @param personalAccessors the accessors of the personal components, in the order of {@code personalFields}, as
 *     method handles of type {@code (Object)Object} resolved once (no reflective call per encode)
 * @param subjectAccessor the accessor of the data subject's component, the same way
 * @param readable whether the accessors can be called (false for a record of a module that does not open it: then
 *     the codec seals the written JSON instead of sealing while writing, and the accessors are never called)
 */
public record PersonalShape(
        List<String> personalFields,
        String subjectField,
        List<MethodHandle> personalAccessors,
        MethodHandle subjectAccessor,
        boolean readable) {

    /** The value of the record's data subject component (what its JSON is written from). */
    public Object subjectOf(Object record) {
        return read(subjectAccessor, record);
    }

    /** How many of the record's personal components hold a known (not erased) value. */
    public int knownValuesOf(Object record) {
        int known = 0;
        for (MethodHandle accessor : personalAccessors) {
            if (read(accessor, record) instanceof PersonalData.Known<?>) {
                known++;
            }
        }
        return known;
    }

    private static Object read(MethodHandle accessor, Object record) {
        try {
            return (Object) accessor.invokeExact(record);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("a record accessor failed", e);
        }
    }

    /**
     * The shape of a class, or empty when it holds no personal data.
     *
     * @throws IllegalArgumentException when it has personal data but not exactly one {@code @DataSubject}, or holds
     *     {@code PersonalData} anywhere but as a top-level component (it would be stored in the clear)
     */
    public static Optional<PersonalShape> of(Class<?> type) {
        if (!type.isRecord()) {
            requireNone(type, type.getName(), new HashSet<>());
            return Optional.empty();
        }
        List<String> personal = new ArrayList<>();
        List<Method> personalAccessors = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        Method subjectAccessor = null;
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.isAnnotationPresent(DataSubject.class)) {
                subjects.add(c.getName());
                subjectAccessor = c.getAccessor();
            }
            if (c.getType() == PersonalData.class) {
                personal.add(c.getName());
                personalAccessors.add(c.getAccessor());
                if (c.getGenericType() instanceof ParameterizedType p) {
                    requireNone(p.getActualTypeArguments()[0], type.getName() + "." + c.getName(), new HashSet<>());
                }
            } else {
                requireNone(c.getGenericType(), type.getName() + "." + c.getName(), new HashSet<>());
            }
        }
        if (personal.isEmpty()) {
            return Optional.empty();
        }
        if (subjects.size() != 1) {
            throw new IllegalArgumentException(type.getName() + " has personal data " + personal
                    + " but " + (subjects.isEmpty() ? "no" : subjects.size()) + " @DataSubject components "
                    + subjects + "; name exactly one component holding the data subject's id");
        }
        if (personal.contains(subjects.get(0))) {
            throw new IllegalArgumentException(type.getName() + "." + subjects.get(0)
                    + ": the data subject's id cannot itself be PersonalData (it selects the key)");
        }
        boolean readable = accessible(subjectAccessor);
        for (Method accessor : personalAccessors) {
            readable &= accessible(accessor);
        }
        List<MethodHandle> personalHandles = new ArrayList<>();
        for (Method accessor : personalAccessors) {
            personalHandles.add(handle(accessor, readable));
        }
        return Optional.of(new PersonalShape(
                List.copyOf(personal),
                subjects.get(0),
                List.copyOf(personalHandles),
                handle(subjectAccessor, readable),
                readable));
    }

    /** Records of a non-public type (a test's, an application's nested one) are read as Jackson reads them. */
    private static boolean accessible(Method accessor) {
        try {
            accessor.setAccessible(true);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The accessor as a handle of type {@code (Object)Object}; for an unreadable record one that is never called. */
    private static MethodHandle handle(Method accessor, boolean readable) {
        MethodType generic = MethodType.methodType(Object.class, Object.class);
        if (!readable) {
            return MethodHandles.dropArguments(MethodHandles.constant(Object.class, null), 0, Object.class);
        }
        try {
            return MethodHandles.lookup().unreflect(accessor).asType(generic);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + accessor + ": " + e.getMessage(), e);
        }
    }

    private static void requireNone(Type t, String where, Set<Class<?>> seen) {
        if (t instanceof ParameterizedType p) {
            requireNone(p.getRawType(), where, seen);
            for (Type a : p.getActualTypeArguments()) {
                requireNone(a, where, seen);
            }
        } else if (t instanceof GenericArrayType g) {
            requireNone(g.getGenericComponentType(), where, seen);
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                requireNone(b, where, seen);
            }
        } else if (t instanceof Class<?> c) {
            if (c == PersonalData.class) {
                throw new IllegalArgumentException(where + " holds PersonalData inside another value; only a"
                        + " top-level component of an event or state record can be personal data (it is encrypted"
                        + " there) – move it up or make the enclosing record the event");
            }
            if (c.isArray()) {
                requireNone(c.getComponentType(), where, seen);
            } else if (c.isRecord() && seen.add(c)) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    requireNone(rc.getGenericType(), where + "." + rc.getName(), seen);
                }
            } else if (c.isSealed() && seen.add(c)) {
                for (Class<?> s : c.getPermittedSubclasses()) {
                    requireNone(s, where, seen);
                }
            }
        }
    }
}
