package dev.verdict.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 *
 * <p>Appending a command does not copy the array each time: a value is a window {@code [start, end)} on slots it
 * shares with the values appended from it, which are only ever appended to. The first value built on another at its
 * end claims the next slot (a compare-and-set) and writes it; a slot below a value's end is never written again, so
 * every value sees exactly its own commands. Only when the slots are used up (or a second value is built on the same
 * one) are the newest commands copied into new slots of twice the window – about one copied command per append
 * instead of sixteen. (The copy per command was a tenth of the runtime's own CPU on the thread that completes async
 * commands.)
 */
final class RecentCommands {
    /** Commands remembered per entity: enough for client retries, small enough for a cache of many entities. */
    static final int MAX = 16;

    static final RecentCommands NONE = new RecentCommands(new Slots(0, 0), 0, 0);

    private static final int HASH = 0;
    private static final int FIRST = 1;
    private static final int LAST = 2;
    private static final int STRIDE = 3;

    /** Slots shared by the values appended one from another. Slots below {@code claimed} are written, once. */
    private static final class Slots {
        private static final VarHandle CLAIMED;

        static {
            try {
                CLAIMED = MethodHandles.lookup().findVarHandle(Slots.class, "claimed", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final String[] ids;
        /** Per slot: hash code, first sequence, last sequence. */
        final long[] entries;

        @SuppressWarnings("unused") // through CLAIMED
        private volatile int claimed;

        Slots(int capacity, int claimed) {
            this.ids = new String[capacity];
            this.entries = new long[capacity * STRIDE];
            this.claimed = claimed;
        }

        /** Takes slot {@code at} if it is the next free one (false: full, or another value took it). */
        boolean claim(int at) {
            return at < ids.length && CLAIMED.compareAndSet(this, at, at + 1);
        }

        void write(int at, String id, int hash, long first, long last) {
            ids[at] = id;
            entries[at * STRIDE + HASH] = hash;
            entries[at * STRIDE + FIRST] = first;
            entries[at * STRIDE + LAST] = last;
        }
    }

    private final Slots slots;
    private final int start;
    private final int end;

    private RecentCommands(Slots slots, int start, int end) {
        this.slots = slots;
        this.start = start;
        this.end = end;
    }

    /** The span of {@code commandId}'s events, if it is one of the remembered commands. */
    Optional<KnownState.CommandSpan> find(String commandId) {
        int hash = commandId.hashCode();
        String[] ids = slots.ids;
        long[] entries = slots.entries;
        for (int i = end - 1; i >= start; i--) {
            int at = i * STRIDE;
            if ((int) entries[at + HASH] == hash && ids[i].equals(commandId)) {
                return Optional.of(new KnownState.CommandSpan(ids[i], entries[at + FIRST], entries[at + LAST]));
            }
        }
        return Optional.empty();
    }

    /** These commands with one more event of {@code commandId} at {@code sequence}; the oldest dropped beyond MAX. */
    RecentCommands including(String commandId, long sequence) {
        int n = end - start;
        int hash = commandId.hashCode();
        int newest = (end - 1) * STRIDE;
        if (n > 0 && (int) slots.entries[newest + HASH] == hash && slots.ids[end - 1].equals(commandId)) {
            // another event of the newest command: extend its span (in new slots: these are shared)
            Slots copy = copy(n, n);
            copy.entries[(n - 1) * STRIDE + LAST] = sequence;
            return new RecentCommands(copy, 0, n);
        }
        if (slots.claim(end)) {
            slots.write(end, commandId, hash, sequence, sequence);
            return new RecentCommands(slots, Math.max(start, end + 1 - MAX), end + 1);
        }
        int kept = Math.min(n, MAX - 1);
        Slots fresh = copy(kept, kept + 1);
        fresh.write(kept, commandId, hash, sequence, sequence);
        return new RecentCommands(fresh, 0, kept + 1);
    }

    /** New slots holding the newest {@code count} commands, with room for {@code size} in all (one value's window). */
    private Slots copy(int count, int size) {
        Slots fresh = new Slots(Math.min(2 * MAX, 2 * size), size);
        System.arraycopy(slots.ids, end - count, fresh.ids, 0, count);
        System.arraycopy(slots.entries, (end - count) * STRIDE, fresh.entries, 0, count * STRIDE);
        return fresh;
    }

    int size() {
        return end - start;
    }

    /** The spans, oldest first (for tests and diagnostics). */
    List<KnownState.CommandSpan> spans() {
        List<KnownState.CommandSpan> spans = new ArrayList<>(size());
        for (int i = start; i < end; i++) {
            spans.add(new KnownState.CommandSpan(
                    slots.ids[i], slots.entries[i * STRIDE + FIRST], slots.entries[i * STRIDE + LAST]));
        }
        return List.copyOf(spans);
    }

    @Override
    public String toString() {
        return spans().toString();
    }
}
