package dev.verdict.store.personal;

import dev.verdict.store.personal.internal.Aead;
import dev.verdict.store.personal.internal.ErasureListeners;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import javax.crypto.SecretKey;

/** {@link DataKeys#inMemory()}: keys in a map, an erased subject's entry replaced by its erasure. */
final class InMemoryDataKeys implements DataKeys {
    private final ConcurrentMap<String, Object> entries = new ConcurrentHashMap<>();
    private final ErasureListeners listeners = new ErasureListeners();

    @Override
    public Optional<SecretKey> keyForWriting(String subject) {
        Object entry = entries.computeIfAbsent(Objects.requireNonNull(subject, "subject"), s -> Aead.newDataKey());
        return entry instanceof SecretKey key ? Optional.of(key) : Optional.empty();
    }

    @Override
    public Optional<SecretKey> keyForReading(String subject) {
        return entries.get(subject) instanceof SecretKey key ? Optional.of(key) : Optional.empty();
    }

    @Override
    public Erasure erase(String subject) {
        Erasure first = new Erasure(subject, Instant.now(), false);
        Object before = entries.compute(subject, (s, old) -> old instanceof Erasure e ? e : first);
        Erasure recorded = (Erasure) before;
        listeners.erased(subject);
        return recorded == first ? first : new Erasure(subject, recorded.erasedAt(), true);
    }

    @Override
    public Listening onErasure(Consumer<String> listener) {
        return listeners.add(listener);
    }

    @Override
    public Optional<Erasure> erasure(String subject) {
        return entries.get(subject) instanceof Erasure e ? Optional.of(e) : Optional.empty();
    }
}
