package dev.verdict.store.personal.internal;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES data key that carries its own cipher slot: {@link Aead} seals and opens with the cipher in the slot, which was
 * last initialised with this very key, so the JDK skips the key expansion (three quarters of AES-GCM's time for a short
 * value when the keys of many subjects are used in turn). Whoever caches key objects ({@code NatsDataKeys}, {@code
 * InMemoryDataKeys}) hands out the same object for as long as the key is unchanged, and so the cipher lives exactly as
 * long as its key object – no lookup per value – within a budget of {@value #MAX_CIPHERS} ciphers in the process. Equal to any {@code SecretKeySpec} with the same bytes; it serialises as
 * a plain {@code SecretKeySpec}. Not API.
 */
public final class DataKey extends SecretKeySpec {
    private static final long serialVersionUID = 1L;

    /**
     * At most this many key objects in the process hold a cipher (one is about 850 bytes once used): a key cache may
     * hold many more keys (the NATS one up to 100,000), and beyond this a key seals with the thread's cipher (paying
     * the key expansion, as every key did before). A cipher counts until its key object is garbage collected.
     */
    static final int MAX_CIPHERS = 4096;

    private static final AtomicInteger CIPHERS = new AtomicInteger();
    private static final Cleaner RELEASES = Cleaner.create();

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
            if (CIPHERS.incrementAndGet() <= MAX_CIPHERS) {
                cipher = Aead.newCipher();
                RELEASES.register(this, CIPHERS::decrementAndGet); // the action holds nothing of the key
            } else {
                CIPHERS.decrementAndGet();
                made.set(false); // over the budget: the thread's cipher; a later use may find room
            }
        }
        return cipher;
    }

    /** How many key objects hold a cipher now (within {@link #MAX_CIPHERS}; until their collection). */
    static int ciphers() {
        return CIPHERS.get();
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
