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

    @Test
    void derivesBucketNamesAndTheirReplicasFromTheStore() {
        NatsEventStoreConfig c = NatsEventStoreConfig.builder()
                .storeName(StoreName.of("pharmacy"))
                .replicas(3)
                .commandReplicas(1)
                .build();

        assertThat(c.commandBucket()).isEqualTo("pharmacy-commands");
        assertThat(c.snapshotReplicas()).isEqualTo(3);
        assertThat(c.commandReplicas()).isEqualTo(1);
        assertThat(c.commandRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.snapshotMaxValueSize()).isEqualTo(-1);
        assertThat(c.provision()).isTrue();
    }

    @Test
    void fromCopiesEverySettingAndTheCopyIsEqual() {
        NatsEventStoreConfig original = NatsEventStoreConfig.builder()
                .storeName(StoreName.of("pharmacy"))
                .replicas(3)
                .snapshotBucket("snaps")
                .denyPurge(false)
                .build();

        NatsEventStoreConfig copy =
                NatsEventStoreConfig.builder().from(original).build();
        NatsEventStoreConfig changed = NatsEventStoreConfig.builder()
                .from(original)
                .requestTimeout(Duration.ofSeconds(1))
                .build();

        assertThat(copy).isEqualTo(original).hasSameHashCodeAs(original);
        assertThat(copy.toString()).contains("snapshotBucket=snaps", "denyPurge=false");
        assertThat(changed).isNotEqualTo(original);
        assertThat(changed.snapshotBucket()).isEqualTo("snaps");
    }

    @Test
    void refusesAMissingStoreNameAndBadBucketNames() {
        assertThatThrownBy(() -> NatsEventStoreConfig.builder().replicas(3).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("storeName");
        assertThatThrownBy(() -> NatsEventStoreConfig.builder()
                        .storeName(StoreName.of("pharmacy"))
                        .commandBucket("a.b")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("commandBucket 'a.b'");
        assertThatThrownBy(() -> NatsEventStoreConfig.builder()
                        .storeName(StoreName.of("pharmacy"))
                        .requestTimeout(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestTimeout must be positive");
    }
}
