package dev.verdict.testing;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The field-level difference between an expected and an actual value, as lines such as {@code amount: expected 50
 * but was 5}. Records are compared component by component (recursively), lists element by element, maps key by
 * key; anything else by {@code equals}.
 */
final class RecordDiff {
    private static final int MAX_DEPTH = 8;

    private RecordDiff() {}

    /** The differences, one line each; empty when the values are equal. */
    static List<String> between(Object expected, Object actual) {
        List<String> lines = new ArrayList<>();
        compare("", expected, actual, lines, 0);
        return lines;
    }

    private static void compare(String path, Object expected, Object actual, List<String> lines, int depth) {
        if (Objects.equals(expected, actual)) {
            return;
        }
        String at = path.isEmpty() ? "" : path + ": ";
        if (expected == null || actual == null || depth > MAX_DEPTH) {
            lines.add(at + "expected " + describe(expected) + " but was " + describe(actual));
            return;
        }
        if (expected.getClass() != actual.getClass()) {
            if (expected instanceof List<?> e && actual instanceof List<?> a) {
                compareLists(path, e, a, lines, depth);
                return;
            }
            if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
                compareMaps(path, e, a, lines, depth);
                return;
            }
            lines.add(at + "expected a " + expected.getClass().getSimpleName() + " but was a "
                    + actual.getClass().getSimpleName() + " (expected " + expected + ", was " + actual + ")");
            return;
        }
        if (expected.getClass().isRecord()) {
            int before = lines.size();
            for (RecordComponent component : expected.getClass().getRecordComponents()) {
                String name = path.isEmpty() ? component.getName() : path + "." + component.getName();
                Object e;
                Object a;
                try {
                    Method accessor = component.getAccessor();
                    accessor.setAccessible(true);
                    e = accessor.invoke(expected);
                    a = accessor.invoke(actual);
                } catch (ReflectiveOperationException | RuntimeException unreadable) {
                    lines.add(at + "expected " + expected + " but was " + actual);
                    return;
                }
                compare(name, e, a, lines, depth + 1);
            }
            if (lines.size() == before) {
                // equal components but unequal records (a custom equals): say so rather than nothing
                lines.add(at + "expected " + expected + " but was " + actual + " (equal components, unequal records)");
            }
            return;
        }
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            compareLists(path, e, a, lines, depth);
            return;
        }
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            compareMaps(path, e, a, lines, depth);
            return;
        }
        lines.add(at + "expected " + describe(expected) + " but was " + describe(actual));
    }

    private static void compareLists(String path, List<?> expected, List<?> actual, List<String> lines, int depth) {
        Iterator<?> e = expected.iterator();
        Iterator<?> a = actual.iterator();
        int i = 0;
        while (e.hasNext() || a.hasNext()) {
            String at = path + "[" + i + "]";
            if (!a.hasNext()) {
                lines.add(at + ": missing " + describe(e.next()));
            } else if (!e.hasNext()) {
                lines.add(at + ": unexpected " + describe(a.next()));
            } else {
                compare(at, e.next(), a.next(), lines, depth + 1);
            }
            i++;
        }
    }

    private static void compareMaps(String path, Map<?, ?> expected, Map<?, ?> actual, List<String> lines, int depth) {
        for (Map.Entry<?, ?> entry : expected.entrySet()) {
            String at = path + "[" + entry.getKey() + "]";
            if (!actual.containsKey(entry.getKey())) {
                lines.add(at + ": missing " + describe(entry.getValue()));
            } else {
                compare(at, entry.getValue(), actual.get(entry.getKey()), lines, depth + 1);
            }
        }
        for (Map.Entry<?, ?> entry : actual.entrySet()) {
            if (!expected.containsKey(entry.getKey())) {
                lines.add(path + "[" + entry.getKey() + "]: unexpected " + describe(entry.getValue()));
            }
        }
    }

    static String describe(Object value) {
        if (value instanceof CharSequence s) {
            return "\"" + s + "\"";
        }
        return String.valueOf(value);
    }
}
