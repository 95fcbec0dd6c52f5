package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.EntityRef;
import org.junit.jupiter.api.Test;

class StateCacheTest {
    private static final EntityRef RX = EntityRef.of("prescription", "rx-1");

    private static KnownState<String> at(long version) {
        return at(version, "stream-1");
    }

    private static KnownState<String> at(long version, String streamIdentity) {
        return new KnownState<>("v" + version, version, 0, RecentCommands.NONE, streamIdentity);
    }

    @Test
    void neverReturnsAStateOfAnotherIncarnationOfTheStream() {
        String[] identity = {"stream-1"};
        StateCache cache = StateCache.bounded(10, () -> identity[0]);
        cache.remember(RX, at(50));
        identity[0] = "stream-2"; // deleted and recreated

        assertThat(cache.<String>get(RX)).isEmpty();

        cache.remember(RX, at(3, "stream-2")); // loaded from the new stream: a lower version, but the current one
        assertThat(cache.<String>get(RX)).contains(at(3, "stream-2"));
    }

    @Test
    void keepsTheHighestVersionItWasGiven() {
        StateCache cache = StateCache.bounded(10, () -> "stream-1");
        cache.remember(RX, at(5));
        cache.remember(RX, at(3)); // a slow reader finishing late
        assertThat(cache.<String>get(RX)).contains(at(5));

        cache.remember(RX, at(7));
        assertThat(cache.<String>get(RX)).contains(at(7));
    }

    @Test
    void forgetsOnRequestAndRemembersNothingWhenDisabled() {
        StateCache cache = StateCache.bounded(10, () -> "stream-1");
        cache.remember(RX, at(1));
        cache.forget(RX);
        assertThat(cache.<String>get(RX)).isEmpty();

        StateCache off = StateCache.disabled();
        off.remember(RX, at(1));
        assertThat(off.<String>get(RX)).isEmpty();
        assertThat(off.enabled()).isFalse();
    }

    @Test
    void concurrentOffersEndAtTheHighestVersion() throws InterruptedException {
        StateCache cache = StateCache.bounded(10, () -> "stream-1");
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int offset = t;
            threads[t] = new Thread(() -> {
                for (int v = offset; v < 20_000; v += threads.length) {
                    cache.remember(RX, at(v));
                }
            });
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(cache.<String>get(RX).orElseThrow().version()).isEqualTo(19_999);
    }
}
