package dev.verdict.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The most recent commands whose events were folded into a known state, oldest first, at most {@link #MAX}: each
 * command's id and the stream sequences of its first and last event. Lets the runtime recognise a re-sent command
 * even when deciding again would not append anything.
 *
 * <p>Immutable. Laid out for the check every command makes: the ids' hash codes and sequences sit in one {@code
 * long[]}, so a lookup scans one small array and touches an id string only when its hash matches. (A list of span
 * objects made that check chase ~50 pointers per command through a cache of many entities – it showed up as the
 * largest item of the runtime's own cost in the benchmarks.)
 */
final class RecentCommands {
    /** Commands remembered per entity: enough for client retries, small enough for a cache of many entities. */
    static final int MAX = 16;

    static final RecentCommands NONE = new RecentCommands(new String[0], new long[0]);

    private static final int HASH = 0;
    private static final int FIRST = 1;
    private static final int LAST = 2;
    private static final int STRIDE = 3;

    private final String[] ids;
    /** Per command, in the order of {@link #ids}: hash code, first sequence, last sequence. */
    private final long[] entries;

    private RecentCommands(String[] ids, long[] entries) {
        this.ids = ids;
        this.entries = entries;
    }

    /** The span of {@code commandId}'s events, if it is one of the remembered commands. */
    Optional<KnownState.CommandSpan> find(String commandId) {
        int hash = commandId.hashCode();
        for (int i = ids.length - 1; i >= 0; i--) {
            int at = i * STRIDE;
            if ((int) entries[at + HASH] == hash && ids[i].equals(commandId)) {
                return Optional.of(new KnownState.CommandSpan(ids[i], entries[at + FIRST], entries[at + LAST]));
            }
        }
        return Optional.empty();
    }

    /** These commands with one more event of {@code commandId} at {@code sequence}; the oldest dropped beyond MAX. */
    RecentCommands including(String commandId, long sequence) {
        int n = ids.length;
        int hash = commandId.hashCode();
        if (n > 0 && (int) entries[(n - 1) * STRIDE + HASH] == hash && ids[n - 1].equals(commandId)) {
            long[] next = entries.clone(); // another event of the newest command: extend its span
            next[(n - 1) * STRIDE + LAST] = sequence;
            return new RecentCommands(ids, next);
        }
        int drop = Math.max(0, n + 1 - MAX);
        int kept = n - drop;
        String[] nextIds = new String[kept + 1];
        System.arraycopy(ids, drop, nextIds, 0, kept);
        nextIds[kept] = commandId;
        long[] next = new long[(kept + 1) * STRIDE];
        System.arraycopy(entries, drop * STRIDE, next, 0, kept * STRIDE);
        next[kept * STRIDE + HASH] = hash;
        next[kept * STRIDE + FIRST] = sequence;
        next[kept * STRIDE + LAST] = sequence;
        return new RecentCommands(nextIds, next);
    }

    int size() {
        return ids.length;
    }

    /** The spans, oldest first (for tests and diagnostics). */
    List<KnownState.CommandSpan> spans() {
        List<KnownState.CommandSpan> spans = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            spans.add(new KnownState.CommandSpan(ids[i], entries[i * STRIDE + FIRST], entries[i * STRIDE + LAST]));
        }
        return List.copyOf(spans);
    }

    @Override
    public String toString() {
        return spans().toString();
    }
}
