package dev.verdict.projection;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BooleanSupplier;

/** {@link DeadLetters#inMemory()}: a sorted map keyed as the NATS bucket is, never unavailable. */
final class InMemoryDeadLetters implements DeadLetters {
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
    public boolean recordPatiently(DeadLetter letter, RetryPolicy backoff, BooleanSupplier stopped) {
        record(letter);
        return true;
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
    public void remove(DeadLetter letter) {
        remove(letter.stream(), letter.projection(), letter.sequence());
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
