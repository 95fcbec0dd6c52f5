package dev.verdict.store.personal;

import dev.verdict.store.personal.internal.Aead;
import dev.verdict.store.personal.internal.DataKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * The key-encryption key (KEK) that wraps every data key before it is stored: data keys never reach NATS in the
 * clear. Configuration supplies it – an environment variable, a file, or an implementation of this interface backed
 * by a KMS.
 *
 * <p>Guarantees of {@link #aes}: AES-256-GCM from the JDK, a fresh random 96-bit IV per wrap, the data subject's id
 * bound as additional authenticated data (a wrapped key copied to another subject does not unwrap); {@link #id()} is
 * derived from the key (a truncated SHA-256 of it, which does not reveal it) so a stored data key names the KEK that
 * wrapped it; {@code toString()} never shows key material.
 *
 * <pre>{@code
 * KeyEncryptionKey kek = KeyEncryptionKey.fromEnvironment("VERDICT_KEK");        // base64 of 32 random bytes
 * KeyEncryptionKey fromFile = KeyEncryptionKey.fromFile(Path.of("secrets/kek")); // the same text in a file
 * }</pre>
 */
public interface KeyEncryptionKey {

    /** A stable, non-secret name of this key, stored beside every data key it wrapped. */
    String id();

    /** Encrypts a data key; {@code subject} is authenticated with it. */
    byte[] wrap(byte[] dataKey, String subject);

    /**
     * Decrypts a data key wrapped by {@link #wrap} with the same subject.
     *
     * @throws IllegalStateException when the bytes were not wrapped by this key for this subject, or were altered
     */
    byte[] unwrap(byte[] wrapped, String subject);

    /** An AES-256 KEK of 32 bytes (AES-GCM). */
    static KeyEncryptionKey aes(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != 32) {
            throw new IllegalArgumentException("a key-encryption key is 32 bytes (AES-256), not " + key.length);
        }
        return new Aes(new DataKey(key)); // its own cipher: unwrapping keys in turn skips the key expansion
    }

    /**
     * The KEK in an environment variable, as base64 of 32 bytes (e.g. {@code openssl rand -base64 32}).
     *
     * @throws IllegalArgumentException when the variable is missing or not base64 of 32 bytes (the message never
     *     shows its value)
     */
    static KeyEncryptionKey fromEnvironment(String variable) {
        String text = System.getenv(Objects.requireNonNull(variable, "variable"));
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("environment variable " + variable + " holds no key-encryption key");
        }
        return parse(text, "environment variable " + variable);
    }

    /**
     * The KEK in a file, as base64 of 32 bytes (surrounding white space ignored).
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it does not hold base64 of 32 bytes (the message never shows its content)
     */
    static KeyEncryptionKey fromFile(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.US_ASCII), "file " + file.getFileName());
    }

    /**
     * The KEK from base64 text of 32 bytes (e.g. a configuration property).
     *
     * @throws IllegalArgumentException when it is not base64 of 32 bytes (the message never shows the text)
     */
    static KeyEncryptionKey fromBase64(String text) {
        return parse(Objects.requireNonNull(text, "text"), "the key-encryption key text");
    }

    private static KeyEncryptionKey parse(String text, String where) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not base64 text of a key-encryption key");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException(where + " holds " + key.length + " bytes; a key-encryption key is 32");
        }
        return aes(key);
    }

    /** AES-256-GCM key wrapping. */
    final class Aes implements KeyEncryptionKey {
        private final SecretKey key;
        private final String id;

        private Aes(SecretKey key) {
            this.key = key;
            this.id = idOf(key.getEncoded());
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public byte[] wrap(byte[] dataKey, String subject) {
            return Aead.encrypt(key, dataKey, aad(subject));
        }

        @Override
        public byte[] unwrap(byte[] wrapped, String subject) {
            try {
                return Aead.decrypt(key, wrapped, aad(subject));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(
                        "the data key of a subject does not unwrap with key-encryption key " + id
                                + " (another KEK, or altered bytes)",
                        e);
            }
        }

        private static byte[] aad(String subject) {
            return ("verdict-data-key:" + subject).getBytes(StandardCharsets.UTF_8);
        }

        private static String idOf(byte[] key) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update("verdict-kek-id:".getBytes(StandardCharsets.US_ASCII));
                return "kek-" + HexFormat.of().formatHex(sha.digest(key), 0, 8);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }

        @Override
        public String toString() {
            return "KeyEncryptionKey[" + id + "]";
        }
    }
}
