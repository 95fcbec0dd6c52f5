package dev.verdict.runtime;

/**
 * What the runtime knows about one entity: a state, the version it includes, and how many events were folded since
 * the last snapshot this process knows of (drives {@link SnapshotPolicy#everyEvents}). Immutable; held by the cache.
 */
record KnownState<S>(S state, long version, long eventsSinceSnapshot) {

    KnownState<S> withEventsSinceSnapshot(long count) {
        return new KnownState<>(state, version, count);
    }
}
