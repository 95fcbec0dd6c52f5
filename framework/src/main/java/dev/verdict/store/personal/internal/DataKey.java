package dev.verdict.store.personal.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES data key that carries its own cipher slot: {@link Aead} seals and opens with the cipher in the slot, which was
 * last initialised with this very key, so the JDK skips the key expansion (three quarters of AES-GCM's time for a short
 * value when the keys of many subjects are used in turn). Whoever caches key objects ({@code NatsDataKeys}, {@code
 * InMemoryDataKeys}) hands out the same object for as long as the key is unchanged, and so the cipher lives exactly as
 * long as its key object – no lookup per value. Equal to any {@code SecretKeySpec} with the same bytes; it serialises as
 * a plain {@code SecretKeySpec}. Not API.
 */
public final class DataKey extends SecretKeySpec {
    private static final long serialVersionUID = 1L;

    /** The key's cipher while no thread uses it; {@code null} while one does (or before the first use). */
    private final transient AtomicReference<Cipher> slot = new AtomicReference<>();

    /** Whether the key's cipher was made (it is made on first use, so a key only read from the bucket costs none). */
    private final transient AtomicBoolean made = new AtomicBoolean();

    /** An AES key of these bytes (copied). */
    public DataKey(byte[] key) {
        super(key, "AES");
    }

    /**
     * Takes the key's cipher out of its slot for one message, making it on first use; {@code null} when another thread
     * holds it (the caller then uses a cipher of its own). Give it back with {@link #release}.
     */
    Cipher borrow() {
        Cipher cipher = slot.getAndSet(null);
        if (cipher == null && !made.get() && made.compareAndSet(false, true)) {
            cipher = Aead.newCipher();
        }
        return cipher;
    }

    /** Puts back a cipher taken with {@link #borrow} (it is initialised anew before every use). */
    void release(Cipher cipher) {
        slot.set(cipher);
    }

    /** A plain {@code SecretKeySpec} of the same bytes: the slot is this process's, not part of the key. */
    private Object writeReplace() {
        return new SecretKeySpec(getEncoded(), getAlgorithm());
    }

    @Override
    public boolean equals(Object other) {
        return super.equals(other);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
