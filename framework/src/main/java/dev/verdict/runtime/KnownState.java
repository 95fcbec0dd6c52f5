package dev.verdict.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the runtime knows about one entity: a state, the version it includes, how many events were folded since the
 * last snapshot this process knows of (drives {@link SnapshotPolicy#everyEvents}), and the most recent commands whose
 * events it folded (so a re-sent command is recognised even when deciding again would not append). Immutable; held
 * by the cache.
 */
record KnownState<S>(S state, long version, long eventsSinceSnapshot, List<CommandSpan> recentCommands) {
    /** Commands remembered per entity: enough for client retries, small enough for a cache of many entities. */
    static final int MAX_RECENT_COMMANDS = 16;

    KnownState {
        recentCommands = List.copyOf(recentCommands);
    }

    static <S> KnownState<S> initial(S state) {
        return new KnownState<>(state, 0, 0, List.of());
    }

    KnownState<S> withEventsSinceSnapshot(long count) {
        return new KnownState<>(state, version, count, recentCommands);
    }

    Optional<CommandSpan> recent(String commandId) {
        for (CommandSpan span : recentCommands) {
            if (span.commandId().equals(commandId)) {
                return Optional.of(span);
            }
        }
        return Optional.empty();
    }

    /** The spans with one more event of {@code commandId} at {@code sequence}, oldest dropped beyond the bound. */
    static List<CommandSpan> including(List<CommandSpan> spans, String commandId, long sequence) {
        List<CommandSpan> next = new ArrayList<>(spans);
        int last = next.size() - 1;
        if (last >= 0 && next.get(last).commandId().equals(commandId)) {
            next.set(last, new CommandSpan(commandId, next.get(last).firstSequence(), sequence));
        } else {
            next.add(new CommandSpan(commandId, sequence, sequence));
        }
        while (next.size() > MAX_RECENT_COMMANDS) {
            next.remove(0);
        }
        return next;
    }

    /** The stream sequences of one command's events. */
    record CommandSpan(String commandId, long firstSequence, long lastSequence) {}
}
