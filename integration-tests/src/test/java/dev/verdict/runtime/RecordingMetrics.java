package dev.verdict.runtime;

import dev.verdict.store.Category;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** RuntimeMetrics that count, for assertions. */
final class RecordingMetrics implements RuntimeMetrics {
    final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    long count(String key) {
        AtomicLong c = counts.get(key);
        return c == null ? 0 : c.get();
    }

    private void add(String key, long n) {
        counts.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(n);
    }

    @Override
    public void commandHandled(Category category, CommandResult result, Duration duration) {
        add("command." + result, 1);
    }

    @Override
    public void conflict(Category category) {
        add("conflict", 1);
    }

    @Override
    public void retry(Category category) {
        add("retry", 1);
    }

    @Override
    public void loaded(Category category, LoadSource source, long eventsRead, Duration duration) {
        add("load." + source, 1);
        add("eventsRead." + source, eventsRead);
    }

    @Override
    public void snapshotLookup(Category category, SnapshotLookup result) {
        add("snapshot." + result, 1);
    }

    @Override
    public void snapshotWrite(Category category, SnapshotWrite result) {
        add("snapshotWrite." + result, 1);
    }
}
