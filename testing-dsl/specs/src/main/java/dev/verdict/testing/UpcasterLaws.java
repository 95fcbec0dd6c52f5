package dev.verdict.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Property-based laws for upcasters, checked on stored events of old schema versions drawn from your arbitraries. The
 * laws see events through four functions, so they hold for any codec: {@code decodeAll} (a stored event to the
 * current events it stands for), {@code step} (one upcaster step, empty at the current version), {@code encode} (a
 * current event as it is stored today) and {@code describe} (for reports). The test kit's {@code JsonUpcasterLaws}
 * builds them from a {@code JsonEventCodec}.
 *
 * <ul>
 *   <li>{@link #checkUpcastIsValid}: an old event decodes without failure into current events that satisfy every
 *       {@linkplain #valid validity rule} and are stored today as they read (encode, then decode, gives the event
 *       back);
 *   <li>{@link #checkDeterminism}: decoding the same stored event twice gives equal events, and leaves the stored
 *       event as it was;
 *   <li>{@link #checkChainsCompose}: upcasting in one go equals upcasting step by step ({@code v1→v3} equals {@code
 *       v1→v2→v3}): at every step, decoding the events one step produced gives what decoding the event before it
 *       gave.
 * </ul>
 *
 * <pre>{@code
 * static final UpcasterLaws<EncodedEvent, InventoryEvent> LAWS = JsonUpcasterLaws.of(Inventory.EVENTS)
 *         .valid("quantities are positive", e -> !(e instanceof StockReceived r) || r.quantity() > 0);
 *
 * @Provide
 * Arbitrary<EncodedEvent> oldEvents() {
 *     return JsonUpcasterLaws.storedAs("StockReceived", 1, Arbitraries.forType(StockReceivedV1.class));
 * }
 *
 * @Property
 * void upcastsAreValid(@ForAll("oldEvents") EncodedEvent old) {
 *     LAWS.checkUpcastIsValid(old);
 * }
 * }</pre>
 *
 * <p>On a violation each check throws {@link LawViolation} naming the law and the stored event (jqwik shrinks it).
 * Instances are immutable.
 *
 * @param <T> the stored form of an event
 * @param <E> the current event type
 */
public final class UpcasterLaws<T, E> {
    private final Function<T, List<E>> decodeAll;
    private final Function<T, Optional<List<T>>> step;
    private final Function<E, T> encode;
    private final Function<T, String> describe;
    private final Map<String, Predicate<? super E>> rules;

    private UpcasterLaws(
            Function<T, List<E>> decodeAll,
            Function<T, Optional<List<T>>> step,
            Function<E, T> encode,
            Function<T, String> describe,
            Map<String, Predicate<? super E>> rules) {
        this.decodeAll = decodeAll;
        this.step = step;
        this.encode = encode;
        this.describe = describe;
        this.rules = rules;
    }

    /**
     * Laws over a codec given as functions.
     *
     * @param decodeAll a stored event to the current events it stands for (none, one or several)
     * @param step one upcaster step of a stored event, empty when it is at its type's current version
     * @param encode a current event as today's code stores it
     * @param describe a stored event for reports
     */
    public static <T, E> UpcasterLaws<T, E> of(
            Function<T, List<E>> decodeAll,
            Function<T, Optional<List<T>>> step,
            Function<E, T> encode,
            Function<T, String> describe) {
        return new UpcasterLaws<>(
                Objects.requireNonNull(decodeAll, "decodeAll"),
                Objects.requireNonNull(step, "step"),
                Objects.requireNonNull(encode, "encode"),
                Objects.requireNonNull(describe, "describe"),
                Map.of());
    }

    /** Adds a rule every upcast event must satisfy, e.g. the invariants the record's constructor does not check. */
    public UpcasterLaws<T, E> valid(String name, Predicate<? super E> rule) {
        Map<String, Predicate<? super E>> more = new LinkedHashMap<>(rules);
        more.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(rule, "rule"));
        return new UpcasterLaws<>(decodeAll, step, encode, describe, Map.copyOf(more));
    }

    /** An old event decodes into current events that satisfy every rule and read back as themselves. */
    public void checkUpcastIsValid(T old) {
        String law = "upcast is valid";
        List<E> events = decode(law, old);
        for (E event : events) {
            rules.forEach((name, rule) -> {
                if (!rule.test(event)) {
                    throw violation(law, old, "the upcast event " + event + " breaks the rule '" + name + "'", null);
                }
            });
            T stored;
            List<E> again;
            try {
                stored = encode.apply(event);
                again = decodeAll.apply(stored);
            } catch (RuntimeException e) {
                throw violation(law, old, "the upcast event " + event + " cannot be stored and read back: " + e, e);
            }
            if (!again.equals(List.of(event))) {
                throw violation(
                        law, old, "the upcast event " + event + " is stored today as a form that reads " + again, null);
            }
        }
    }

    /** Decoding twice gives equal events and leaves the stored event unchanged. */
    public void checkDeterminism(T old) {
        String law = "determinism";
        String before = describe.apply(old);
        List<E> first = decode(law, old);
        List<E> second = decode(law, old);
        if (!first.equals(second)) {
            throw violation(law, old, "decoded twice: " + first + " then " + second, null);
        }
        if (!describe.apply(old).equals(before)) {
            throw violation(law, old, "decoding changed the stored event to " + describe.apply(old), null);
        }
    }

    /** Upcasting in one go equals upcasting one step at a time, along the whole chain. */
    public void checkChainsCompose(T old) {
        String law = "chains compose";
        List<E> whole = decode(law, old);
        List<E> stepwise = new ArrayList<>();
        walk(law, old, old, 0, stepwise);
        if (!whole.equals(stepwise)) {
            throw violation(law, old, "in one go " + whole + ", step by step " + stepwise, null);
        }
    }

    private void walk(String law, T old, T event, int depth, List<E> out) {
        if (depth > 64) {
            throw violation(law, old, "more than 64 upcaster steps", null);
        }
        Optional<List<T>> next;
        try {
            next = step.apply(event);
        } catch (RuntimeException e) {
            throw violation(law, old, "the step from " + describe.apply(event) + " failed: " + e, e);
        }
        if (next.isEmpty()) {
            out.addAll(decode(law, event));
            return;
        }
        List<E> direct = decode(law, event);
        List<E> viaStep = new ArrayList<>();
        for (T produced : next.get()) {
            viaStep.addAll(decode(law, produced));
        }
        if (!direct.equals(viaStep)) {
            throw violation(
                    law,
                    old,
                    "from " + describe.apply(event) + ": in one go " + direct + ", after one step " + viaStep,
                    null);
        }
        for (T produced : next.get()) {
            walk(law, old, produced, depth + 1, out);
        }
    }

    private List<E> decode(String law, T stored) {
        try {
            return decodeAll.apply(stored);
        } catch (RuntimeException e) {
            throw violation(law, stored, "it cannot be decoded: " + e.getMessage(), e);
        }
    }

    private LawViolation violation(String law, T old, String why, Throwable cause) {
        return new LawViolation(law, List.of(old), law + " broken for " + describe.apply(old) + ": " + why, cause);
    }
}
