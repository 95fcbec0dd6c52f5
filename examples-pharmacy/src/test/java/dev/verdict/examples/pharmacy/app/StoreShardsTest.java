package dev.verdict.examples.pharmacy.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventStoreConfig;
import org.junit.jupiter.api.Test;

/** {@code STORE_SHARDS}: 1 (or nothing) is the one stream as before, 2–64 shards, anything else refused. */
class StoreShardsTest {
    private static final NatsEventStoreConfig STORE = NatsEventStoreConfig.of("pharmacy");

    @Test
    void blankOrOneIsTheUnshardedStoreItself() {
        assertThat(StoreShards.parse("").sharded()).isFalse();
        assertThat(StoreShards.parse(" 1 ").count()).isEqualTo(1);
        assertThat(StoreShards.parse("1").storeOf(STORE, 0)).isEqualTo(StoreName.of("pharmacy"));
    }

    @Test
    void twoToSixtyFourShardTheStoreIntoStoresNamedByShard() {
        assertThat(StoreShards.parse("4").storeOf(STORE, 3)).isEqualTo(StoreName.of("pharmacy-3"));
        assertThat(StoreShards.parse("64").count()).isEqualTo(64);
    }

    @Test
    void refusesAnythingElseSayingWhatIsAllowed() {
        for (String invalid : new String[] {"0", "-1", "65", "four", "4.0"}) {
            assertThatThrownBy(() -> StoreShards.parse(invalid))
                    .as(invalid)
                    .isInstanceOf(PharmacyStartFailure.class)
                    .hasMessage(
                            "STORE_SHARDS must be a number from 1 (one stream, the default) to 64, the same on every"
                                    + " instance; was '" + invalid + "'");
        }
    }
}
