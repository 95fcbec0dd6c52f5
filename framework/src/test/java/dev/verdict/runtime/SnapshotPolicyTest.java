package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SnapshotPolicyTest {

    @Test
    void everyEventsSnapshotsOnceEnoughEventsWereFoldedSinceTheLastOne() {
        SnapshotPolicy<String> policy = SnapshotPolicy.everyEvents(100);
        assertThat(policy.shouldSnapshot("s", 7, 99, false)).isFalse();
        assertThat(policy.shouldSnapshot("s", 7, 100, false)).isTrue();
    }

    @Test
    void defaultsSnapshotEveryHundredEventsAndOnTerminalStates() {
        SnapshotPolicy<String> policy = SnapshotPolicy.defaults();
        assertThat(policy.shouldSnapshot("s", 7, 1, true)).isTrue();
        assertThat(policy.shouldSnapshot("s", 7, 100, false)).isTrue();
        assertThat(policy.shouldSnapshot("s", 7, 99, false)).isFalse();
    }

    @Test
    void predicateAndNever() {
        assertThat(SnapshotPolicy.<String>when(s -> s.startsWith("big")).shouldSnapshot("big one", 1, 1, false))
                .isTrue();
        assertThat(SnapshotPolicy.<String>never().shouldSnapshot("s", 1, 1_000_000, true))
                .isFalse();
    }
}
