package dev.verdict.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * What the runtime knows about one entity: a state, the version it includes, how many events were folded since the
 * last snapshot this process knows of (drives {@link SnapshotPolicy#everyEvents}), the most recent commands whose
 * events it folded (so a re-sent command is recognised even when deciding again would not append), and the identity
 * of the stream it was derived from (a state of a since recreated stream is discarded). Immutable; held by the cache.
 */
record KnownState<S>(
        S state, long version, long eventsSinceSnapshot, RecentCommands recentCommands, String streamIdentity) {
    KnownState {
        Objects.requireNonNull(recentCommands, "recentCommands");
        Objects.requireNonNull(streamIdentity, "streamIdentity");
    }

    static <S> KnownState<S> initial(S state, String streamIdentity) {
        return new KnownState<>(state, 0, 0, RecentCommands.NONE, streamIdentity);
    }

    KnownState<S> withEventsSinceSnapshot(long count) {
        return new KnownState<>(state, version, count, recentCommands, streamIdentity);
    }

    Optional<CommandSpan> recent(String commandId) {
        return recentCommands.find(commandId);
    }

    /** The stream sequences of one command's events. */
    record CommandSpan(String commandId, long firstSequence, long lastSequence) {}
}
