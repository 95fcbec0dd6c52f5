package dev.verdict.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * What the runtime knows about one entity: a state, the version it includes, how many events were folded since the
 * last snapshot this process knows of (drives {@link SnapshotPolicy#everyEvents}), and the most recent commands whose
 * events it folded (so a re-sent command is recognised even when deciding again would not append). Immutable; held
 * by the cache.
 */
record KnownState<S>(S state, long version, long eventsSinceSnapshot, RecentCommands recentCommands) {
    KnownState {
        Objects.requireNonNull(recentCommands, "recentCommands");
    }

    static <S> KnownState<S> initial(S state) {
        return new KnownState<>(state, 0, 0, RecentCommands.NONE);
    }

    KnownState<S> withEventsSinceSnapshot(long count) {
        return new KnownState<>(state, version, count, recentCommands);
    }

    Optional<CommandSpan> recent(String commandId) {
        return recentCommands.find(commandId);
    }

    /** The stream sequences of one command's events. */
    record CommandSpan(String commandId, long firstSequence, long lastSequence) {}
}
