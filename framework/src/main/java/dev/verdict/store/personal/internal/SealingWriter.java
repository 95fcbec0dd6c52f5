package dev.verdict.store.personal.internal;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.verdict.store.personal.DataKeys;
import java.io.IOException;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * Seals the personal values of one record while Jackson writes it – one pass instead of writing the record, parsing
 * it again and sealing the tree. {@code PersonalDataCodec} hands a new one to each encode call as the per-call
 * attribute {@link #ATTRIBUTE}; {@code PersonalDataModule}'s serializer gives it every known value to write. What it
 * writes is exactly {@link FieldSealing}'s stored form: {@code {"$pd":"<base64 of iv|ciphertext|tag>","kid":"<subject>"}}
 * with the value's JSON as plaintext, or {@code {"$erased":true}} when the subject was erased. Not API.
 */
public final class SealingWriter {
    /** The key of the per-call attribute under which the serializers find the writer of the current call. */
    public static final Object ATTRIBUTE = SealingWriter.class;

    private static final JsonFactory PLAIN = new JsonFactory();

    private final DataKeys keys;
    private final PersonalShape shape;
    private final Object record;
    private String subject;
    private byte[] aad;
    private Optional<SecretKey> key;
    private int written;
    private RuntimeException failure;

    public SealingWriter(DataKeys keys, PersonalShape shape, Object record) {
        this.keys = keys;
        this.shape = shape;
        this.record = record;
    }

    /** Writes a known personal value sealed with the subject's key (looked up once per record, as its AAD). */
    public void write(Object data, JsonGenerator gen, SerializerProvider provider) throws IOException {
        written++;
        try {
            if (key == null) {
                subject = subject(gen, provider);
                key = keys.keyForWriting(subject);
                aad = FieldSealing.aad(subject);
            }
            if (key.isEmpty()) {
                gen.writeStartObject();
                gen.writeBooleanField(FieldSealing.ERASED, true);
                gen.writeEndObject();
                return;
            }
            byte[] sealed = Aead.encrypt(key.get(), json(data, gen, provider), aad);
            gen.writeStartObject();
            gen.writeFieldName(FieldSealing.CIPHERTEXT);
            // straight into the output, no string between: the same characters as java.util.Base64's basic encoder
            gen.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, sealed, 0, sealed.length);
            gen.writeStringField(FieldSealing.KEY_ID, subject);
            gen.writeEndObject();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /** How many known values were written (sealed or, for an erased subject, marked erased). */
    public int written() {
        return written;
    }

    /**
     * What went wrong while sealing (a missing subject, an unavailable key store), to be rethrown as it is rather
     * than as the serializer's wrapped exception; empty if nothing did.
     */
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * The subject's id as the sealed-tree path reads it: the text of the subject component's JSON, which must be a
     * non-empty scalar.
     */
    private String subject(JsonGenerator gen, SerializerProvider provider) throws IOException {
        Object value = shape.subjectOf(record);
        String text = null;
        if (value instanceof String s) {
            text = s;
        } else if (value != null) {
            TokenBuffer buffer = new TokenBuffer(gen.getCodec(), false);
            provider.defaultSerializeValue(value, buffer);
            try (JsonParser p = buffer.asParser()) {
                JsonToken token = p.nextToken();
                if (token != null && token.isScalarValue() && token != JsonToken.VALUE_NULL) {
                    text = p.getText();
                }
            }
        }
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException(
                    "personal data without a data subject: '" + shape.subjectField() + "' is empty");
        }
        return text;
    }

    /**
     * The value's JSON as the record's serializers write it. The generator and its buffer are kept per thread and
     * factory: a new generator per value allocates an 8 KB output buffer (the thread's recycled one is in use by the
     * record's generator), which was half the sealing time of benchmark scenario 13.
     */
    private static byte[] json(Object data, JsonGenerator gen, SerializerProvider provider) throws IOException {
        ObjectCodec codec = gen.getCodec();
        JsonFactory factory = codec != null && codec.getFactory() != null ? codec.getFactory() : PLAIN;
        ValueWriter writer = VALUE_WRITERS.get();
        if (writer == null || writer.factory != factory) {
            writer = new ValueWriter(factory);
            VALUE_WRITERS.set(writer);
        }
        try {
            provider.defaultSerializeValue(data, writer.generator);
            writer.generator.flush();
            return writer.out.toByteArray();
        } catch (IOException | RuntimeException e) {
            VALUE_WRITERS.remove(); // its state is unknown now
            throw e;
        } finally {
            writer.out.reset();
        }
    }

    private static final ThreadLocal<ValueWriter> VALUE_WRITERS = new ThreadLocal<>();

    /** A generator writing root values one after another into a buffer that is emptied after each. */
    private static final class ValueWriter {
        final JsonFactory factory;
        final ByteArrayBuilder out = new ByteArrayBuilder(256);
        final JsonGenerator generator;

        ValueWriter(JsonFactory factory) throws IOException {
            this.factory = factory;
            this.generator = factory.createGenerator(out);
            generator.setRootValueSeparator(null);
        }
    }
}
