package dev.verdict.store.personal.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.codec.PersonalDataModule;
import dev.verdict.store.personal.DataKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * Encrypts the personal fields of a JSON object in place and decrypts them back; the stored form of a field is
 * {@code {"$pd":"<base64 of iv|ciphertext|tag>","kid":"<subject>"}}. Not API.
 */
public final class FieldSealing {
    /** The field of a sealed value that holds the ciphertext. */
    public static final String CIPHERTEXT = PersonalDataModule.CIPHERTEXT_FIELD;
    /** The field of a sealed value that names the data subject whose key sealed it. */
    public static final String KEY_ID = "kid";
    /** The field of the marker that stands for a value of an erased subject. */
    public static final String ERASED = PersonalDataModule.ERASED_FIELD;

    private static final byte[] MARK = ("\"" + CIPHERTEXT + "\"").getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper mapper;
    private final DataKeys keys;

    public FieldSealing(ObjectMapper mapper, DataKeys keys) {
        this.mapper = mapper;
        this.keys = keys;
    }

    /**
     * The JSON of a value with its personal fields sealed (or marked erased when the subject was erased): the path of
     * a record {@link SealingWriter} could not seal while it was written.
     */
    public byte[] seal(byte[] json, PersonalShape shape) throws IOException {
        ObjectNode tree = (ObjectNode) mapper.readTree(json);
        Optional<SecretKey> key = Optional.empty();
        String subject = null;
        for (String field : shape.personalFields()) {
            JsonNode value = tree.get(field);
            if (value == null || value.isNull() || isErasedMarker(value)) {
                continue;
            }
            if (subject == null) {
                JsonNode id = tree.get(shape.subjectField());
                if (id == null
                        || id.isNull()
                        || id.isContainerNode()
                        || id.asText().isEmpty()) {
                    throw new IllegalArgumentException("personal data in '" + field + "' without a data subject: '"
                            + shape.subjectField() + "' is empty");
                }
                subject = id.asText();
                key = keys.keyForWriting(subject);
            }
            tree.set(field, key.isPresent() ? sealed(key.get(), subject, value) : erasedMarker());
        }
        return mapper.writeValueAsBytes(tree);
    }

    /** Whether the JSON may hold sealed fields (a cheap byte scan before any parsing). */
    public static boolean maySeal(byte[] json) {
        outer:
        for (int i = 0; i <= json.length - MARK.length; i++) {
            for (int j = 0; j < MARK.length; j++) {
                if (json[i + j] != MARK[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * The JSON with every sealed top-level field decrypted, or replaced by the erased marker when its subject's key
     * is gone.
     *
     * @throws IllegalArgumentException when a sealed field does not decrypt with its subject's key (altered bytes)
     */
    public byte[] open(byte[] json) throws IOException {
        JsonNode parsed = mapper.readTree(json);
        if (!(parsed instanceof ObjectNode tree)) {
            return json;
        }
        Map<String, Optional<SecretKey>> byKid = new HashMap<>(2);
        var fields = tree.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            JsonNode value = field.getValue();
            if (!(value instanceof ObjectNode sealed) || !sealed.has(CIPHERTEXT)) {
                continue;
            }
            String subject = sealed.path(KEY_ID).asText();
            Optional<SecretKey> key = byKid.computeIfAbsent(subject, keys::keyForReading);
            if (key.isEmpty()) {
                field.setValue(erasedMarker());
                continue;
            }
            byte[] plain;
            try {
                plain = Aead.decrypt(
                        key.get(),
                        Base64.getDecoder().decode(sealed.path(CIPHERTEXT).asText()),
                        aad(subject));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalArgumentException("personal data in '" + field.getKey()
                        + "' does not decrypt with its data subject's key (altered bytes or another key)");
            }
            field.setValue(mapper.readTree(plain));
        }
        return mapper.writeValueAsBytes(tree);
    }

    private ObjectNode sealed(SecretKey key, String subject, JsonNode value) throws IOException {
        byte[] ciphertext = Aead.encrypt(key, mapper.writeValueAsBytes(value), aad(subject));
        ObjectNode node = mapper.createObjectNode();
        node.put(CIPHERTEXT, Base64.getEncoder().encodeToString(ciphertext));
        node.put(KEY_ID, subject);
        return node;
    }

    private ObjectNode erasedMarker() {
        return mapper.createObjectNode().put(PersonalDataModule.ERASED_FIELD, true);
    }

    private static boolean isErasedMarker(JsonNode value) {
        return value.isObject()
                && value.size() == 1
                && value.path(PersonalDataModule.ERASED_FIELD).asBoolean(false);
    }

    private static final byte[] AAD_PREFIX = "verdict-personal-data:".getBytes(StandardCharsets.US_ASCII);

    /**
     * The additional authenticated data of a subject's sealed values: {@code verdict-personal-data:} and the subject's
     * id in UTF-8 (one array copy, no string concatenation).
     */
    static byte[] aad(String subject) {
        byte[] id = subject.getBytes(StandardCharsets.UTF_8);
        byte[] aad = Arrays.copyOf(AAD_PREFIX, AAD_PREFIX.length + id.length);
        System.arraycopy(id, 0, aad, AAD_PREFIX.length, id.length);
        return aad;
    }
}
