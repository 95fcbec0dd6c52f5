package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.Snapshot;
import dev.verdict.store.capture.CapturedKeyValue;
import dev.verdict.store.capture.CapturedMessage;
import dev.verdict.store.capture.HistoryCapture;
import dev.verdict.testing.history.HistoryReplay;
import dev.verdict.testing.nats.NatsServerExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link StreamCapture} on a real nats-server, and {@link HistoryReplay} of what it captured. */
class StreamCaptureTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    private final EntityRef order1 = EntityRef.of("order", "o-1");
    private final EntityRef order2 = EntityRef.of("order", "o-2");
    private final EntityRef order3 = EntityRef.of("order", "o-3");
    private final EntityRef stock = EntityRef.of("stock", "s-1");
    private NatsEventStoreConfig config;
    private NatsEventStore store;

    private static EncodedEvent event(String type, String json) {
        return new EncodedEvent(type, 1, json.getBytes(StandardCharsets.UTF_8));
    }

    /** o-1: two events in one append (an atomic batch) at 1-2; s-1 at 3; o-2 at 4; o-3 at 5; o-1 again at 6. */
    @BeforeEach
    void aStreamWithFourEntities() {
        config = NatsEventStoreConfig.of("capture" + STORES.incrementAndGet());
        store = NatsEventStore.create(NATS.connection(), config);
        store.append(
                order1,
                0,
                List.of(event("Opened", "{\"n\":1}"), event("Priced", "{\"price\":12.50}")),
                CommandContext.create().withMetadata("user", "ana"));
        store.append(stock, 0, List.of(event("Received", "{\"n\":3}")), CommandContext.create());
        store.append(order2, 0, List.of(event("Opened", "{\"n\":4}")), CommandContext.create());
        store.append(order3, 0, List.of(event("Opened", "{\"n\":5}")), CommandContext.create());
        store.append(order1, 2, List.of(event("Closed", "{}")), CommandContext.create());
        NatsSnapshotStore.create(NATS.connection(), config)
                .save(order1, new Snapshot(2, "fp", "{\"total\":1}".getBytes(StandardCharsets.UTF_8), "x"));
    }

    @Test
    void theWholeStreamIsCapturedAsStoredWithItsIdentityAndSnapshots() throws Exception {
        HistoryCapture capture = StreamCapture.of(NATS.connection(), config)
                .commandIndex(true)
                .verdictVersion("9.9.9")
                .capture();

        assertThat(capture.header().stream()).isEqualTo(config.storeName().value());
        assertThat(capture.header().streamIdentity()).isEqualTo(store.streamIdentity());
        assertThat(capture.header().verdictVersion()).isEqualTo("9.9.9");
        assertThat(capture.header().streamConfigs())
                .containsKeys(config.storeName().value(), "KV_" + config.snapshotBucket());
        assertThat(capture.messages()).extracting(CapturedMessage::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        List<RecordedEvent> stored = store.readAll(order1, ReadRange.all());
        CapturedMessage second = capture.messages().get(1);
        assertThat(second.subject()).isEqualTo(order1.subject(config.storeName().value()));
        assertThat(second.payload()).isEqualTo("{\"price\":12.50}".getBytes(StandardCharsets.UTF_8));
        assertThat(second.header(NatsEventHeaders.EVENT_ID))
                .contains(stored.get(1).eventId());
        assertThat(second.header(NatsEventHeaders.METADATA_PREFIX + "user")).contains("ana");
        assertThat(StreamCapture.recordedEvent(config.storeName(), second)).isEqualTo(stored.get(1));
        assertThat(capture.keyValues())
                .filteredOn(kv -> kv.bucket().equals(config.snapshotBucket()))
                .extracting(CapturedKeyValue::key)
                .containsExactly("order.o-1");
        assertThat(capture.keyValues()) // the runtime writes the command index, not the store: no bucket here
                .filteredOn(kv -> kv.bucket().equals(config.commandBucket()))
                .isEmpty();

        ByteArrayOutputStream file = new ByteArrayOutputStream();
        capture.write(file);
        assertThat(HistoryCapture.read(new ByteArrayInputStream(file.toByteArray())))
                .isEqualTo(capture);
    }

    @Test
    void aCategoryAtMostNEntitiesAndASequenceRangeSelectWholeEntityHistories() throws Exception {
        HistoryCapture twoOrders = StreamCapture.of(NATS.connection(), config)
                .categories(Category.of("order"))
                .maxEntities(2)
                .capture();
        assertThat(twoOrders.messages()).extracting(CapturedMessage::sequence).containsExactly(1L, 2L, 4L, 6L);
        assertThat(twoOrders.keyValues()).extracting(CapturedKeyValue::key).containsExactly("order.o-1");

        HistoryCapture middle = StreamCapture.of(NATS.connection(), config)
                .sequences(3, 5)
                .snapshots(false)
                .capture();
        assertThat(middle.messages()).extracting(CapturedMessage::sequence).containsExactly(3L, 4L, 5L);
        assertThat(middle.keyValues()).isEmpty();

        HistoryCapture none = StreamCapture.of(NATS.connection(), config)
                .categories(Category.of("invoice"))
                .capture();
        assertThat(none.messages()).isEmpty();
    }

    @Test
    void aReplayStoresTheSameMessagesOnTheSameSequencesForTheStoreToRead() throws Exception {
        HistoryCapture capture = StreamCapture.of(NATS.connection(), config).capture();
        List<RecordedEvent> before = store.readAll(order1, ReadRange.all());
        NATS.connection().jetStreamManagement().deleteStream(config.storeName().value());
        NATS.connection().jetStreamManagement().deleteStream("KV_" + config.snapshotBucket());

        HistoryReplay.of(capture).into(NATS.connection());

        NatsEventStore replayed = NatsEventStore.create(NATS.connection(), config);
        assertThat(replayed.readAll(order1, ReadRange.all()))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("storedAt")
                .isEqualTo(before);
        assertThat(replayed.version(order3)).isEqualTo(5);
        assertThat(NatsSnapshotStore.create(NATS.connection(), config).load(order1))
                .map(Snapshot::version)
                .contains(2L);
        HistoryCapture again = StreamCapture.of(NATS.connection(), config).capture();
        assertThat(again.messages().stream().map(StreamCaptureTest::asStored))
                .as("subjects, every header (the batch's and the expectations too) and payloads, on their sequences")
                .containsExactlyElementsOf(capture.messages().stream()
                        .map(StreamCaptureTest::asStored)
                        .toList());
        assertThat(capture.messages().get(0).header("Nats-Batch-Id")).isPresent();

        HistoryCapture withAGap = StreamCapture.of(NATS.connection(), config)
                .categories(Category.of("stock"), Category.of("order"))
                .maxEntities(1)
                .capture();
        assertThatThrownBy(() -> HistoryReplay.of(withAGap).into(NATS.connection()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("skips sequences 3..5");
    }

    /** What the server stored of a message, but its time (header names sorted: jnats does not keep their order). */
    private static String asStored(CapturedMessage m) {
        return m.sequence() + " " + m.subject() + " " + new java.util.TreeMap<>(m.headers()) + " "
                + new String(m.payload(), StandardCharsets.UTF_8);
    }
}
