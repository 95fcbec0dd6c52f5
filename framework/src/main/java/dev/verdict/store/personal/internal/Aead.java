package dev.verdict.store.personal.internal;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM from the JDK with a random 96-bit IV and a 128-bit tag; the sealed form is {@code iv | ciphertext | tag}.
 * Not API.
 *
 * <p>IVs: each thread draws them from a DRBG of its own ({@code SecureRandom.getInstance("DRBG")}, seeded by the JDK
 * from the system's entropy), {@value #IVS_PER_DRAW} IVs' worth of bytes per draw, each byte handed out once. One
 * {@code SecureRandom} shared by every thread was a contended lock under load (NativePRNG is synchronized), and a DRBG
 * call per IV costs twice NativePRNG's; buffering is safe because an IV needs to be unique, not secret – it is stored
 * in the clear next to its ciphertext. The cipher: a {@link DataKey}'s own (see there), else one per thread.
 */
public final class Aead {
    static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    static final int IVS_PER_DRAW = 20;

    /** One cipher object per thread for a key without its own (another key type, or its own cipher in use). */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(Aead::newCipher);

    private static final ThreadLocal<Ivs> IVS = ThreadLocal.withInitial(Ivs::new);

    private Aead() {}

    /** {@code iv | ciphertext | tag} of the plaintext, {@code aad} authenticated. */
    public static byte[] encrypt(SecretKey key, byte[] plaintext, byte[] aad) {
        DataKey own = key instanceof DataKey k ? k : null;
        Cipher borrowed = own != null ? own.borrow() : null;
        Cipher cipher = borrowed != null ? borrowed : CIPHERS.get();
        try {
            byte[] sealed = new byte[IV_BYTES + plaintext.length + TAG_BITS / 8];
            IVS.get().next(sealed);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
            cipher.updateAAD(aad);
            int written = cipher.doFinal(plaintext, 0, plaintext.length, sealed, IV_BYTES);
            return written == sealed.length - IV_BYTES ? sealed : Arrays.copyOf(sealed, IV_BYTES + written);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getClass().getSimpleName(), e);
        } finally {
            if (borrowed != null) {
                own.release(borrowed);
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
        DataKey own = key instanceof DataKey k ? k : null;
        Cipher borrowed = own != null ? own.borrow() : null;
        Cipher cipher = borrowed != null ? borrowed : CIPHERS.get();
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
        } finally {
            if (borrowed != null) {
                own.release(borrowed);
            }
        }
    }

    static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "AES-GCM is not available: " + e.getClass().getSimpleName(), e);
        }
    }

    /** A new random AES-256 data key (from this thread's DRBG, never from its IV buffer). */
    public static byte[] newKey() {
        byte[] key = new byte[32];
        IVS.get().random.nextBytes(key);
        return key;
    }

    /** A new random AES-256 data key with its own cipher slot. */
    public static DataKey newDataKey() {
        byte[] bytes = newKey();
        try {
            return new DataKey(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** This thread's DRBG and the IV bytes it drew but did not hand out yet. */
    private static final class Ivs {
        final SecureRandom random = drbg();
        final byte[] drawn = new byte[IV_BYTES * IVS_PER_DRAW];
        int next = drawn.length;

        /** Writes the next unused IV into {@code into[0..12)}; each drawn byte is handed out once. */
        void next(byte[] into) {
            if (next == drawn.length) {
                random.nextBytes(drawn);
                next = 0;
            }
            System.arraycopy(drawn, next, into, 0, IV_BYTES);
            next += IV_BYTES;
        }

        private static SecureRandom drbg() {
            try {
                return SecureRandom.getInstance("DRBG");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK's DRBG is not available", e);
            }
        }
    }
}
