package dev.verdict.store.personal.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM from the JDK with a random 96-bit IV and a 128-bit tag; the sealed form is {@code iv | ciphertext | tag}.
 * Not API.
 */
public final class Aead {
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEYED_CIPHERS = 4096;
    /**
     * One cipher object per thread for a key whose own cipher is in use: {@code Cipher.getInstance} looks the
     * provider up each time, a fifth of a personal-data command's codec time in the profile of benchmark scenario 13.
     */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(Aead::newCipher);

    private Aead() {}

    /**
     * One cipher object per data key, kept while the key object is (weak keys, by identity – the {@code DataKeys}
     * cache holds the key object) and at most {@value #KEYED_CIPHERS} of them: initialising a cipher with another
     * key than its last one expands the key anew, three quarters of the AES-GCM time of a short value (benchmark
     * scenario 13 seals the values of 1,000 subjects in turn). A cipher is taken out of its slot for one message and
     * put back after; a thread that finds the slot empty (the key in use on another thread) uses its own cipher.
     */
    private static final Cache<SecretKey, AtomicReference<Cipher>> KEYED =
            Caffeine.newBuilder().weakKeys().maximumSize(KEYED_CIPHERS).build();

    /** {@code iv | ciphertext | tag} of the plaintext, {@code aad} authenticated. */
    public static byte[] encrypt(SecretKey key, byte[] plaintext, byte[] aad) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        AtomicReference<Cipher> slot = KEYED.get(key, k -> new AtomicReference<>(newCipher()));
        Cipher borrowed = slot.getAndSet(null);
        Cipher cipher = borrowed != null ? borrowed : CIPHERS.get();
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad);
            byte[] sealed = new byte[IV_BYTES + cipher.getOutputSize(plaintext.length)];
            System.arraycopy(iv, 0, sealed, 0, IV_BYTES);
            int written = cipher.doFinal(plaintext, 0, plaintext.length, sealed, IV_BYTES);
            return written == sealed.length - IV_BYTES ? sealed : Arrays.copyOf(sealed, IV_BYTES + written);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getClass().getSimpleName(), e);
        } finally {
            if (borrowed != null) {
                slot.set(borrowed); // initialised anew before every use
            }
        }
    }

    /**
     * The plaintext of {@code iv | ciphertext | tag}.
     *
     * @throws GeneralSecurityException when the tag does not verify (another key, other AAD, altered bytes)
     */
    public static byte[] decrypt(SecretKey key, byte[] sealed, byte[] aad) throws GeneralSecurityException {
        if (sealed.length < IV_BYTES + TAG_BITS / 8) {
            throw new GeneralSecurityException("sealed bytes too short");
        }
        AtomicReference<Cipher> slot = KEYED.get(key, k -> new AtomicReference<>(newCipher()));
        Cipher borrowed = slot.getAndSet(null);
        Cipher cipher = borrowed != null ? borrowed : CIPHERS.get();
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
        } finally {
            if (borrowed != null) {
                slot.set(borrowed); // initialised anew before every use
            }
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "AES-GCM is not available: " + e.getClass().getSimpleName(), e);
        }
    }

    /** A new random AES-256 data key. */
    public static byte[] newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }
}
