package dev.verdict.store.personal.internal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
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
    /**
     * One cipher object per thread, initialised anew (key and a fresh IV) for every message: {@code
     * Cipher.getInstance} looks the provider up each time, a fifth of a personal-data command's codec time in the
     * profile of benchmark scenario 13.
     */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "AES-GCM is not available: " + e.getClass().getSimpleName(), e);
        }
    });

    private Aead() {}

    /** {@code iv | ciphertext | tag} of the plaintext, {@code aad} authenticated. */
    public static byte[] encrypt(SecretKey key, byte[] plaintext, byte[] aad) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad);
            byte[] sealed = new byte[IV_BYTES + cipher.getOutputSize(plaintext.length)];
            System.arraycopy(iv, 0, sealed, 0, IV_BYTES);
            int written = cipher.doFinal(plaintext, 0, plaintext.length, sealed, IV_BYTES);
            return written == sealed.length - IV_BYTES ? sealed : java.util.Arrays.copyOf(sealed, IV_BYTES + written);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getClass().getSimpleName(), e);
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
        Cipher cipher = CIPHERS.get();
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
        cipher.updateAAD(aad);
        return cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
    }

    /** A new random AES-256 data key. */
    public static byte[] newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }
}
