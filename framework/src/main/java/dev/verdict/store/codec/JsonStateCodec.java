package dev.verdict.store.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.store.StateCodec;
import dev.verdict.store.StateDecodingFailed;
import java.io.IOException;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Snapshots a decider's state as JSON with Jackson, with a fingerprint of the state's shape.
 *
 * <p>Numbers round-trip exactly with the default mapper ({@link VerdictObjectMapper}): a {@code BigDecimal} keeps
 * its scale and precision ({@code 100.10} stays {@code 100.10}, not {@code 100.1}), a {@code long} keeps all 64
 * bits, an {@code Instant} keeps its nanoseconds; {@link #decode} refuses trailing bytes with {@link
 * dev.verdict.store.StateDecodingFailed}.
 *
 * <p>The fingerprint is derived from the structure of the state type: recursively, every record component's name
 * and type (generic arguments, nested records, enum constants, the permitted subtypes of sealed interfaces), hashed
 * with SHA-256. Adding, removing, renaming or retyping a field anywhere in the state changes it, so snapshots of an
 * older shape are ignored and the state is re-derived from events. Renaming the classes alone does not change it.
 * Changes the structure cannot see (a different meaning of the same field, a changed {@code evolve}) need a manual
 * bump: {@link #withFingerprint(String)} replaces the derived fingerprint, or {@link #withFingerprintSalt(String)}
 * mixes a version label into it.
 *
 * <pre>{@code
 * record Prescription(String drug, int remaining, List<Dispense> dispenses) {}
 * StateCodec<Prescription> codec = JsonStateCodec.of(Prescription.class);
 * StateCodec<Prescription> bumped = JsonStateCodec.of(Prescription.class).withFingerprintSalt("evolve-v2");
 * }</pre>
 *
 * @param <S> the state type
 */
public final class JsonStateCodec<S> implements StateCodec<S> {
    private final Class<S> type;
    private final ObjectMapper mapper;
    private final String fingerprint;

    private JsonStateCodec(Class<S> type, ObjectMapper mapper, String fingerprint) {
        this.type = type;
        this.mapper = mapper;
        this.fingerprint = fingerprint;
    }

    /** The codec of a state type with {@link VerdictObjectMapper}'s defaults and the derived fingerprint. */
    public static <S> JsonStateCodec<S> of(Class<S> type) {
        return of(type, VerdictObjectMapper.create());
    }

    /** The codec of a state type with the given mapper and the derived fingerprint. */
    public static <S> JsonStateCodec<S> of(Class<S> type, ObjectMapper mapper) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mapper, "mapper");
        return new JsonStateCodec<>(type, mapper, hash(shapeOf(type)));
    }

    /** The same codec with a fingerprint chosen by the user (printable ASCII, 1-64 characters). */
    public JsonStateCodec<S> withFingerprint(String fingerprint) {
        if (fingerprint == null || !fingerprint.matches("[\\x21-\\x7E]{1,64}")) {
            throw new IllegalArgumentException(
                    "fingerprint '" + fingerprint + "' must be 1-64 printable ASCII characters without spaces");
        }
        return new JsonStateCodec<>(type, mapper, fingerprint);
    }

    /** The same codec with the derived fingerprint mixed with a label, e.g. {@code "evolve-v2"}. */
    public JsonStateCodec<S> withFingerprintSalt(String salt) {
        Objects.requireNonNull(salt, "salt");
        return new JsonStateCodec<>(type, mapper, hash(shapeOf(type) + "#" + salt));
    }

    /**
     * The structural description the fingerprint is a hash of, e.g. {@code {drug:java.lang.String,remaining:int}}.
     * Useful to see why two fingerprints differ.
     */
    public static String shapeOf(Type type) {
        return describe(type, new HashSet<>());
    }

    @Override
    public byte[] encode(S state) {
        Objects.requireNonNull(state, "state");
        try {
            return mapper.writeValueAsBytes(state);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot encode " + type.getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The state encoded as {@link #encode} encodes it, with one Jackson per-call attribute ({@link
     * com.fasterxml.jackson.databind.ObjectWriter#withAttribute}) that the serializers of this call read through
     * {@code SerializerProvider.getAttribute(key)}: {@code PersonalDataCodec} seals personal data this way while the
     * state is written. Without a serializer that reads the attribute the bytes are {@link #encode}'s.
     *
     * @throws IllegalArgumentException as {@link #encode} – also when a serializer throws (the cause)
     */
    public byte[] encodeWithAttribute(S state, Object key, Object value) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        try {
            return mapper.writer().withAttribute(key, value).writeValueAsBytes(state);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot encode " + type.getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>With {@link VerdictObjectMapper}'s defaults the parse is strict: anything after the JSON value (trailing
     * garbage, a second value), an unknown field or a missing primitive is refused, never silently ignored.
     *
     * @throws StateDecodingFailed when the bytes are not one JSON value of the state type
     */
    @Override
    public S decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        S state;
        try {
            state = mapper.readValue(bytes, type);
        } catch (JsonProcessingException e) {
            throw new StateDecodingFailed(type.getName(), "not a JSON " + type.getSimpleName() + ": " + describe(e), e);
        } catch (IOException e) {
            throw new StateDecodingFailed(type.getName(), "unreadable bytes: " + e.getMessage(), e);
        }
        if (state == null) {
            throw new StateDecodingFailed(type.getName(), "the JSON is null", null);
        }
        return state;
    }

    private static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (at byte " + at.getByteOffset() + ")";
        return e.getOriginalMessage() + where;
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    /** The state type. */
    public Class<S> type() {
        return type;
    }

    private static String describe(Type t, Set<Class<?>> visiting) {
        if (t instanceof Class<?> c) {
            return describeClass(c, visiting);
        }
        if (t instanceof ParameterizedType p) {
            return describe(p.getRawType(), visiting)
                    + Arrays.stream(p.getActualTypeArguments())
                            .map(a -> describe(a, visiting))
                            .collect(Collectors.joining(",", "<", ">"));
        }
        if (t instanceof GenericArrayType g) {
            return describe(g.getGenericComponentType(), visiting) + "[]";
        }
        if (t instanceof WildcardType w) {
            return "?"
                    + Arrays.stream(w.getUpperBounds())
                            .map(b -> describe(b, visiting))
                            .collect(Collectors.joining("&"))
                    + Arrays.stream(w.getLowerBounds())
                            .map(b -> " super " + describe(b, visiting))
                            .collect(Collectors.joining());
        }
        if (t instanceof TypeVariable<?> v) {
            return v.getName();
        }
        return t.getTypeName();
    }

    private static String describeClass(Class<?> c, Set<Class<?>> visiting) {
        if (c.isArray()) {
            return describe(c.getComponentType(), visiting) + "[]";
        }
        if (c.isPrimitive() || c.getName().startsWith("java.")) {
            return c.getName();
        }
        if (c.isEnum()) {
            return Arrays.stream(c.getEnumConstants())
                    .map(e -> ((Enum<?>) e).name())
                    .collect(Collectors.joining("|", "enum(", ")"));
        }
        if (!visiting.add(c)) {
            return "^" + c.getSimpleName(); // recursive reference
        }
        try {
            if (c.isRecord()) {
                return Arrays.stream(c.getRecordComponents())
                        .map((RecordComponent rc) -> rc.getName() + ":" + describe(rc.getGenericType(), visiting))
                        .collect(Collectors.joining(",", "{", "}"));
            }
            if (c.isSealed()) {
                return Arrays.stream(c.getPermittedSubclasses())
                        .sorted(Comparator.comparing(Class::getSimpleName))
                        .map(s -> s.getSimpleName() + "=" + describe(s, visiting))
                        .collect(Collectors.joining(";", "sealed(", ")"));
            }
            return c.getName();
        } finally {
            visiting.remove(c);
        }
    }

    private static String hash(String shape) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(shape.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
