package dev.verdict.store.personal;

import java.util.Optional;
import java.util.function.Consumer;
import javax.crypto.SecretKey;

/**
 * The data keys of data subjects: one AES-256 key per subject, created when the subject's first personal data is
 * written, destroyed by {@link #erase}. The NATS implementation is {@code dev.verdict.store.nats.NatsDataKeys} (keys
 * wrapped by a {@link KeyEncryptionKey} in a KV bucket); {@link #inMemory()} serves tests.
 *
 * <p>Guarantees: a subject has at most one data key at a time (instances racing to create it agree on one);
 * after {@link #erase} no key of the subject is ever returned again by this instance, by any instance once its
 * cache bound has passed, and no new key is created for it – erasure is final and idempotent. A store that cannot
 * be reached throws {@code EventStoreUnavailable}; it never answers "erased" for "unknown".
 *
 * <pre>{@code
 * DataKeys keys = NatsDataKeys.open(connection, NatsDataKeys.Settings.of("pharmacy", kek));
 * EventCodec<PatientEvent> codec = PersonalDataCodec.events(JsonEventCodec.of(PatientEvent.class), keys);
 * Erasure erasure = keys.erase("p-7");   // from now on p-7's personal data reads as PersonalData.erased()
 * }</pre>
 */
public interface DataKeys {

    /** The key to encrypt the subject's data with – created if the subject has none; empty if it was erased. */
    Optional<SecretKey> keyForWriting(String subject);

    /** The key to decrypt the subject's data with; empty if it was erased (or never had one). */
    Optional<SecretKey> keyForReading(String subject);

    /**
     * Destroys the subject's data key, so that the subject's personal data can never be decrypted again, and records
     * when. Idempotent: erasing an erased subject answers the first erasure's time.
     */
    Erasure erase(String subject);

    /** When the subject was erased, or empty. */
    Optional<Erasure> erasure(String subject);

    /**
     * Calls {@code listener} with the id of every subject whose erasure this instance learns of – its own erasures
     * and, for keys shared by several instances ({@code NatsDataKeys}), the erasures made by any other instance or
     * tool – after this instance stopped using the subject's key, so that the listener can drop what it decrypted
     * before (the command runtime drops its cached entity states this way). A listener that throws is logged and
     * does not stop the others. The call may come on a thread of the store's client: do not block in it.
     *
     * <pre>{@code
     * try (DataKeys.Listening listening = keys.onErasure(subject -> decrypted.remove(subject))) {
     *     ...
     * }
     * }</pre>
     *
     * @return closing it stops the calls
     */
    Listening onErasure(Consumer<String> listener);

    /** Data keys in this process's memory, for tests and single-process tools. */
    static DataKeys inMemory() {
        return new InMemoryDataKeys();
    }

    /**
     * A recorded erasure.
     *
     * @param subject the data subject
     * @param erasedAt when its key was first destroyed
     * @param repeated whether this call found the subject already erased
     */
    record Erasure(String subject, java.time.Instant erasedAt, boolean repeated) {}

    /** A listener registered with {@link #onErasure}; {@link #close} removes it. */
    interface Listening extends AutoCloseable {
        @Override
        void close();
    }
}
