package dev.verdict.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.nats.NatsEventStoreConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The configuration builder is usable from other packages (the runtime, applications). */
class NatsEventStoreConfigUsageTest {

    @Test
    void buildsWithDefaults() {
        NatsEventStoreConfig c = NatsEventStoreConfig.of("pharmacy");

        assertThat(c.replicas()).isEqualTo(1);
        assertThat(c.duplicateWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.denyDelete()).isTrue();
        assertThat(c.denyPurge()).isTrue();
        assertThat(c.snapshotBucket()).isEqualTo("pharmacy-snapshots");
        assertThat(c.snapshotReplicas()).isEqualTo(1);
    }

    @Test
    void overridesSettings() {
        NatsEventStoreConfig c = NatsEventStoreConfig.builder()
                .storeName(StoreName.of("pharmacy"))
                .replicas(3)
                .duplicateWindow(Duration.ofMinutes(10))
                .build();

        assertThat(c.replicas()).isEqualTo(3);
        assertThat(c.snapshotReplicas()).isEqualTo(3);
        assertThat(c.duplicateWindow()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void refusesImpossibleReplicas() {
        assertThatThrownBy(() -> NatsEventStoreConfig.builder()
                        .storeName(StoreName.of("pharmacy"))
                        .replicas(7)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicas must be 1..5");
    }
}
