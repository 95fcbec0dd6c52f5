package dev.verdict.decider;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A value that is personal data of a data subject (a patient, a customer): the type of a record component of an
 * event or a state marks that component as personal data, and the record names its data subject with {@link
 * DataSubject} on another component.
 *
 * <p>Guarantees: a value is either {@link Known} (the data as it was recorded) or {@link Erased} (the subject's data
 * was erased and can no longer be read); the codec of {@code dev.verdict.store.personal} stores a known value only
 * encrypted with the subject's data key and reads it back as {@code Erased} once that key is destroyed – never as a
 * decoding failure. Because the type says so, every decider, view and read model handles the erased case.
 * {@code toString()} never shows the value, so personal data does not reach logs through it.
 *
 * <pre>{@code
 * record PatientRegistered(@DataSubject String patientId, PersonalData<String> name, PersonalData<LocalDate> birthDate)
 *         implements PatientEvent {}
 *
 * var registered = new PatientRegistered("p-7", PersonalData.of("Ada Lovelace"), PersonalData.of(LocalDate.of(1815, 12, 10)));
 * String shown = registered.name().orElse("erased");   // "Ada Lovelace", or "erased" after erasure
 * }</pre>
 *
 * @param <T> the type of the value
 */
public sealed interface PersonalData<T> permits PersonalData.Known, PersonalData.Erased {

    /** A known value. */
    static <T> PersonalData<T> of(T value) {
        return new Known<>(value);
    }

    /** The marker of an erased value. */
    @SuppressWarnings("unchecked")
    static <T> PersonalData<T> erased() {
        return (PersonalData<T>) Erased.INSTANCE;
    }

    /** The value, or empty when it was erased. */
    Optional<T> value();

    /** Whether the value was erased. */
    default boolean isErased() {
        return this instanceof Erased;
    }

    /** The value, or {@code other} when it was erased. */
    default T orElse(T other) {
        return value().orElse(other);
    }

    /** The value mapped, the erased marker staying erased. */
    default <R> PersonalData<R> map(Function<? super T, ? extends R> f) {
        return value().<PersonalData<R>>map(v -> of(f.apply(v))).orElseGet(PersonalData::erased);
    }

    /**
     * A value as recorded.
     *
     * @param data the value, never null
     */
    record Known<T>(T data) implements PersonalData<T> {
        public Known {
            Objects.requireNonNull(data, "personal data must not be null; an absent value is not personal data");
        }

        @Override
        public Optional<T> value() {
            return Optional.of(data);
        }

        /** Never the value: personal data stays out of logs. */
        @Override
        public String toString() {
            return "PersonalData[known]";
        }
    }

    /** A value whose data subject was erased: the data cannot be read any more. */
    record Erased<T>() implements PersonalData<T> {
        private static final Erased<?> INSTANCE = new Erased<>();

        @Override
        public Optional<T> value() {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "PersonalData[erased]";
        }
    }
}
