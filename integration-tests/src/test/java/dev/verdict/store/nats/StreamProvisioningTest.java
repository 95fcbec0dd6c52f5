package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StreamProvisioningTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Test
    void createsAStreamWithVerdictsSettings() throws Exception {
        NatsEventStore.create(NATS.connection(), NatsEventStoreConfig.of("fresh"));

        StreamConfiguration c =
                NATS.connection().jetStreamManagement().getStreamInfo("fresh").getConfiguration();
        assertThat(c.getSubjects()).containsExactly("fresh.>");
        assertThat(c.getStorageType()).isEqualTo(StorageType.File);
        assertThat(c.getAllowAtomicPublish()).isTrue();
        assertThat(c.getAllowDirect()).isTrue();
        assertThat(c.getDenyDelete()).isTrue();
        assertThat(c.getDenyPurge()).isTrue();
        assertThat(c.getDuplicateWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.getMaxMsgs()).isEqualTo(-1);
        assertThat(c.getMaxBytes()).isEqualTo(-1);
    }

    @Test
    void provisioningTwiceIsHarmless() throws Exception {
        NatsEventStore.create(NATS.connection(), NatsEventStoreConfig.of("twice"));
        StreamInfo before = NATS.connection().jetStreamManagement().getStreamInfo("twice");

        NatsEventStore.create(NATS.connection(), NatsEventStoreConfig.of("twice"));

        assertThat(NATS.connection()
                        .jetStreamManagement()
                        .getStreamInfo("twice")
                        .getCreateTime())
                .isEqualTo(before.getCreateTime());
    }

    @Test
    void aStreamWithAConflictingConfigurationIsReportedNotChanged() throws Exception {
        NatsEventStore.create(NATS.connection(), NatsEventStoreConfig.of("conflict"));
        NatsEventStoreConfig other = NatsEventStoreConfig.builder()
                .storeName(StoreName.of("conflict"))
                .duplicateWindow(Duration.ofMinutes(10))
                .build();

        assertThatThrownBy(() -> NatsEventStore.create(NATS.connection(), other))
                .isInstanceOf(StoreMisconfigured.class)
                .hasMessageContaining("duplicate_window is PT2M but must be PT10M")
                .hasMessageContaining("never changes an existing stream");
        assertThat(NATS.connection()
                        .jetStreamManagement()
                        .getStreamInfo("conflict")
                        .getConfiguration()
                        .getDuplicateWindow())
                .isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aForeignStreamWithoutAtomicPublishIsReported() throws Exception {
        NATS.connection()
                .jetStreamManagement()
                .addStream(StreamConfiguration.builder()
                        .name("legacy")
                        .subjects("legacy.>")
                        .storageType(StorageType.File)
                        .build());

        assertThatThrownBy(() -> NatsEventStore.create(NATS.connection(), NatsEventStoreConfig.of("legacy")))
                .isInstanceOf(StoreMisconfigured.class)
                .hasMessageContaining("allow_atomic is false but must be true")
                .hasMessageContaining("allow_direct is false but must be true");
    }

    @Test
    void aMissingStreamIsReportedWhenProvisioningIsOff() {
        NatsEventStoreConfig config = NatsEventStoreConfig.builder()
                .storeName(StoreName.of("absent"))
                .provision(false)
                .build();

        assertThatThrownBy(() -> NatsEventStore.create(NATS.connection(), config))
                .isInstanceOf(StoreMisconfigured.class)
                .hasMessageContaining("does not exist");
    }

    /**
     * The store's buckets and the shared ones open through one place ({@link KvBuckets#ensure}): with provisioning off
     * a missing bucket is reported and not created; with it on, created once, then used as it is.
     */
    @Test
    void aMissingBucketIsReportedWhenProvisioningIsOffAndCreatedOtherwise() throws Exception {
        var nc = NATS.connection();
        NatsEventStoreConfig off = NatsEventStoreConfig.builder()
                .storeName(StoreName.of("buckets"))
                .provision(false)
                .build();
        assertThatThrownBy(() -> NatsSnapshotStore.create(nc, off))
                .isInstanceOf(StoreMisconfigured.class)
                .hasMessageContaining(
                        "snapshot bucket 'buckets-snapshots' does not exist and provisioning is switched" + " off");
        assertThatThrownBy(() -> NatsCommandIndex.create(nc, off))
                .isInstanceOf(StoreMisconfigured.class)
                .hasMessageContaining("command index bucket 'buckets-commands' does not exist");
        assertThat(nc.keyValueManagement().getBucketNames())
                .as("nothing created")
                .doesNotContain("buckets-snapshots", "buckets-commands");

        NatsEventStoreConfig on = NatsEventStoreConfig.of("buckets");
        NatsSnapshotStore.create(nc, on);
        NatsSnapshotStore.create(nc, on);
        assertThat(nc.keyValueManagement().getStatus("buckets-snapshots").getReplicas())
                .isEqualTo(1);
        NatsSnapshotStore.create(nc, off); // exists now: used as it is

        var kv = KvBuckets.open(nc, "shared-bucket", "a shared bucket", 1);
        kv.put("k", "v");
        assertThat(KvBuckets.open(nc, "shared-bucket", "a shared bucket", 1)
                        .get("k")
                        .getValueAsString())
                .isEqualTo("v");
        assertThatThrownBy(() -> KvBuckets.ensure(
                        nc,
                        io.nats.client.api.KeyValueConfiguration.builder()
                                .name("never-created")
                                .build(),
                        new KvBuckets.Provisioning(false, true),
                        "test bucket"))
                .isInstanceOf(StoreMisconfigured.class)
                .hasMessageContaining("test bucket 'never-created' does not exist");
        assertThat(nc.keyValueManagement().getBucketNames()).doesNotContain("never-created");
    }
}
