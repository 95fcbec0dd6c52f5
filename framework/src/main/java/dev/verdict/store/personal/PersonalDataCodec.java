package dev.verdict.store.personal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StateCodec;
import dev.verdict.store.StateDecodingFailed;
import dev.verdict.store.codec.EventTypeRegistry;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.codec.VerdictObjectMapper;
import dev.verdict.store.personal.internal.FieldSealing;
import dev.verdict.store.personal.internal.PersonalShape;
import dev.verdict.store.personal.internal.SealingWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Codecs that encrypt personal data: they wrap a {@link JsonEventCodec} or {@link JsonStateCodec} and encrypt every
 * top-level {@link dev.verdict.decider.PersonalData} component with the data key of the record's {@link
 * dev.verdict.decider.DataSubject}, so the personal data never reaches the store, snapshots or anything copied from
 * them in the clear.
 *
 * <p>Stored form: a known personal value is replaced, in the record's JSON, by {@code {"$pd":"<base64 of a 12-byte
 * IV, the AES-256-GCM ciphertext of the value's JSON and its 16-byte tag>","kid":"<subject id>"}} (the subject's
 * id is authenticated as additional data); an erased one is {@code {"$erased":true}}. Every other field, and every
 * record without personal data, is stored exactly as the wrapped codec writes it.
 *
 * <p>Guarantees: decoding never fails because a subject was erased – its fields read as {@link
 * dev.verdict.decider.PersonalData#erased()}; a sealed field that does not decrypt with its subject's key (altered
 * bytes) is a decoding failure ({@link IllegalArgumentException}, as for any unreadable payload); encoding personal
 * data of an erased subject stores the erased marker, never the data; upcasters of the wrapped codec see the
 * decrypted JSON. Both codecs are {@link ErasureAware}: the command runtime drops its cached states of a category
 * registered with one of them when a subject is erased, on this instance or another one. The types are checked when the codec is built: a record with personal data needs exactly one
 * {@code @DataSubject} component, and {@code PersonalData} nested inside another value is refused (it would not be
 * encrypted).
 *
 * <pre>{@code
 * sealed interface PatientEvent permits Registered, Erased {}
 * record Registered(@DataSubject String patientId, PersonalData<String> name) implements PatientEvent {}
 * record Erased(String patientId, Instant at) implements PatientEvent {}
 *
 * DataKeys keys = NatsDataKeys.open(connection, NatsDataKeys.Settings.of("pharmacy", kek));
 * EventCodec<PatientEvent> events = PersonalDataCodec.events(JsonEventCodec.of(PatientEvent.class), keys);
 * StateCodec<Patient> states = PersonalDataCodec.state(JsonStateCodec.of(Patient.class), keys);
 * }</pre>
 */
public final class PersonalDataCodec {
    /** The field of a stored personal value that holds its ciphertext. */
    public static final String CIPHERTEXT_FIELD = FieldSealing.CIPHERTEXT;

    private PersonalDataCodec() {}

    /**
     * An event codec encrypting the personal data of the wrapped codec's events.
     *
     * @throws IllegalArgumentException when an event type has personal data without exactly one data subject, or
     *     nested personal data
     */
    public static <E> EventCodec<E> events(JsonEventCodec<E> codec, DataKeys keys) {
        return events(codec, keys, VerdictObjectMapper.create());
    }

    /** {@link #events(JsonEventCodec, DataKeys)} with the mapper that seals and opens stored JSON (tests count its parses). */
    static <E> EventCodec<E> events(JsonEventCodec<E> codec, DataKeys keys, ObjectMapper sealing) {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(keys, "keys");
        EventTypeRegistry<E> registry = codec.registry();
        Map<Class<?>, PersonalShape> shapes = new HashMap<>();
        for (String name : registry.names()) {
            Class<?> type = registry.registrationNamed(name).orElseThrow().type();
            PersonalShape.of(type).ifPresent(s -> shapes.put(type, s));
        }
        return new Events<>(codec, new FieldSealing(sealing, keys), Map.copyOf(shapes), keys);
    }

    /**
     * A state codec encrypting the personal data of the wrapped codec's state (snapshots); same fingerprint.
     *
     * @throws IllegalArgumentException when the state has personal data without exactly one data subject, or nested
     *     personal data
     */
    public static <S> StateCodec<S> state(JsonStateCodec<S> codec, DataKeys keys) {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(keys, "keys");
        Optional<PersonalShape> shape = PersonalShape.of(codec.type());
        return new States<>(codec, new FieldSealing(VerdictObjectMapper.create(), keys), shape.orElse(null), keys);
    }

    private record Events<E>(
            JsonEventCodec<E> codec, FieldSealing sealing, Map<Class<?>, PersonalShape> shapes, DataKeys keys)
            implements EventCodec<E>, ErasureAware {
        @Override
        public DataKeys.Listening onErasure(Consumer<String> listener) {
            return keys.onErasure(listener);
        }

        @Override
        public EncodedEvent encode(E event) {
            PersonalShape shape = shapes.get(event.getClass());
            if (shape == null) {
                return codec.encode(event);
            }
            if (shape.readable()) {
                SealingWriter writer = new SealingWriter(keys, shape, event);
                EncodedEvent sealed;
                try {
                    sealed = codec.encodeWithAttribute(event, SealingWriter.ATTRIBUTE, writer);
                } catch (RuntimeException e) {
                    throw writer.failure().orElse(e);
                }
                if (writer.written() == shape.knownValuesOf(event)) {
                    return sealed;
                }
                // a mapper that writes PersonalData its own way: seal what it wrote
            }
            EncodedEvent plain = codec.encode(event);
            try {
                return new EncodedEvent(plain.type(), plain.schemaVersion(), sealing.seal(plain.payload(), shape));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot seal the personal data of " + plain.type(), e);
            }
        }

        @Override
        public E decode(EncodedEvent encoded) {
            if (!FieldSealing.maySeal(encoded.payload())) {
                return codec.decode(encoded);
            }
            byte[] opened;
            try {
                opened = sealing.open(encoded.payload());
            } catch (IOException e) {
                throw new IllegalArgumentException("payload is not valid JSON: " + e.getMessage(), e);
            }
            return codec.decode(new EncodedEvent(encoded.type(), encoded.schemaVersion(), opened));
        }
    }

    private record States<S>(JsonStateCodec<S> codec, FieldSealing sealing, PersonalShape shape, DataKeys keys)
            implements StateCodec<S>, ErasureAware {
        @Override
        public DataKeys.Listening onErasure(Consumer<String> listener) {
            return keys.onErasure(listener);
        }

        @Override
        public byte[] encode(S state) {
            if (shape == null) {
                return codec.encode(state);
            }
            if (shape.readable()) {
                SealingWriter writer = new SealingWriter(keys, shape, state);
                byte[] sealed;
                try {
                    sealed = codec.encodeWithAttribute(state, SealingWriter.ATTRIBUTE, writer);
                } catch (RuntimeException e) {
                    throw writer.failure().orElse(e);
                }
                if (writer.written() == shape.knownValuesOf(state)) {
                    return sealed;
                }
                // a mapper that writes PersonalData its own way: seal what it wrote
            }
            byte[] plain = codec.encode(state);
            try {
                return sealing.seal(plain, shape);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot seal the personal data of a " + codec.type().getName(), e);
            }
        }

        @Override
        public S decode(byte[] bytes) {
            if (!FieldSealing.maySeal(bytes)) {
                return codec.decode(bytes);
            }
            try {
                return codec.decode(sealing.open(bytes));
            } catch (IOException e) {
                throw new StateDecodingFailed(codec.type().getName(), "not JSON: " + e.getMessage(), e);
            } catch (StateDecodingFailed e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new StateDecodingFailed(codec.type().getName(), e.getMessage(), e);
            }
        }

        @Override
        public String fingerprint() {
            return codec.fingerprint();
        }
    }
}
