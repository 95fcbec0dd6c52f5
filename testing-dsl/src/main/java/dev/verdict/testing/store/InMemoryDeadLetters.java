package dev.verdict.testing.store;

import dev.verdict.store.DeadLetter;
import dev.verdict.store.DeadLetters;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * {@link DeadLetters} kept in this process's memory (thread-safe): a sorted map keyed as the NATS bucket is, never
 * unavailable. An {@link InMemoryEventStore}'s feeds hold one ({@code store.feeds().deadLetters()}), shared by every
 * runner on that store as instances share the NATS bucket.
 *
 * <pre>{@code
 * DeadLetters deadLetters = new InMemoryDeadLetters();
 * ProjectionRunner.builder(store.feeds(), filter, codec, projection).deadLetters(deadLetters).build();
 * }</pre>
 */
public final class InMemoryDeadLetters implements DeadLetters {
    private final Map<String, DeadLetter> letters = new ConcurrentSkipListMap<>();

    private static String prefix(String stream, String projection) {
        return Objects.requireNonNull(stream, "stream") + "." + Objects.requireNonNull(projection, "projection") + ".";
    }

    private static String key(String stream, String projection, long sequence) {
        return prefix(stream, projection) + String.format("%020d", sequence);
    }

    @Override
    public void record(DeadLetter letter) {
        letters.put(key(letter.stream(), letter.projection(), letter.sequence()), letter);
    }

    @Override
    public List<DeadLetter> list(String stream, String projection) {
        String prefix = prefix(stream, projection);
        return letters.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .map(Map.Entry::getValue)
                .toList();
    }

    @Override
    public Optional<DeadLetter> find(String stream, String projection, long sequence) {
        return Optional.ofNullable(letters.get(key(stream, projection, sequence)));
    }

    @Override
    public void remove(String stream, String projection, long sequence) {
        letters.remove(key(stream, projection, sequence));
    }

    @Override
    public SortedSet<Long> sequences(String stream, String projection) {
        TreeSet<Long> sequences = new TreeSet<>();
        list(stream, projection).forEach(l -> sequences.add(l.sequence()));
        return sequences;
    }
}
