package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventDecoding;
import dev.verdict.store.ReadRange;
import dev.verdict.store.Snapshot;
import dev.verdict.store.SnapshotValidation;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NatsSnapshotStoreTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    sealed interface CounterEvent permits Added {}

    record Added(int amount) implements CounterEvent {}

    record Total(int sum) {}

    private static final JsonEventCodec<CounterEvent> EVENTS = JsonEventCodec.of(CounterEvent.class);
    private static final JsonStateCodec<Total> STATE = JsonStateCodec.of(Total.class);

    private final EntityRef counter = EntityRef.of("counter", "c-1");
    private NatsEventStoreConfig config;
    private NatsEventStore events;
    private NatsSnapshotStore snapshots;

    @BeforeEach
    void newStores() {
        config = NatsEventStoreConfig.of("snap" + STORES.incrementAndGet());
        events = NatsEventStore.create(NATS.connection(), config);
        snapshots = NatsSnapshotStore.create(NATS.connection(), config);
    }

    /** What the runtime does: a usable snapshot plus the events after it, else all events. */
    private Total currentState() {
        long version = events.version(counter);
        Optional<Snapshot> usable =
                SnapshotValidation.usable(counter, snapshots.load(counter), STATE.fingerprint(), version);
        Total[] state = {usable.map(s -> STATE.decode(s.state())).orElse(new Total(0))};
        long from = usable.map(Snapshot::version).orElse(0L);
        events.read(counter, ReadRange.after(from), e -> {
            Added added = (Added) EventDecoding.decode(events.name(), e, EVENTS);
            state[0] = new Total(state[0].sum() + added.amount());
        });
        return state[0];
    }

    private long appendThree() {
        return events.append(
                        counter,
                        0,
                        List.of(EVENTS.encode(new Added(1)), EVENTS.encode(new Added(2)), EVENTS.encode(new Added(3))),
                        CommandContext.create())
                .version();
    }

    private void putRaw(String value) throws Exception {
        NATS.connection().keyValue(config.snapshotBucket()).put(counter.key(), value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void loadsWhatWasSaved() {
        Snapshot saved = new Snapshot(7, STATE.fingerprint(), STATE.encode(new Total(6)));

        snapshots.save(counter, saved);

        assertThat(snapshots.load(counter)).contains(saved);
    }

    @Test
    void storesAReadableJsonValueUnderCategoryDotId() throws Exception {
        snapshots.save(counter, new Snapshot(7, "fp", STATE.encode(new Total(6))));

        String raw = new String(
                NATS.connection()
                        .keyValue(config.snapshotBucket())
                        .get("counter.c-1")
                        .getValue(),
                StandardCharsets.UTF_8);
        assertThat(raw).isEqualTo("{\"version\":7,\"fingerprint\":\"fp\",\"state\":{\"sum\":6}}");
    }

    @Test
    void aMissingSnapshotIsEmpty() {
        assertThat(snapshots.load(counter)).isEmpty();
    }

    @Test
    void aDeletedOrPurgedSnapshotIsEmpty() throws Exception {
        snapshots.save(counter, new Snapshot(7, "fp", STATE.encode(new Total(6))));
        NATS.connection().keyValue(config.snapshotBucket()).delete(counter.key());

        assertThat(snapshots.load(counter)).isEmpty();

        snapshots.save(counter, new Snapshot(8, "fp", STATE.encode(new Total(7))));
        NATS.connection().keyValue(config.snapshotBucket()).purge(counter.key());

        assertThat(snapshots.load(counter)).isEmpty();
        assertThat(snapshots.corruptSnapshots()).isZero();
    }

    @Test
    void aLoadRemembersTheRevisionSoTheNextSaveIsOneUpdate() throws Exception {
        putRaw("{\"version\":7,\"fingerprint\":\"fp\",\"state\":{\"sum\":6}}"); // written by someone else
        NatsSnapshotStore fresh = NatsSnapshotStore.create(NATS.connection(), config);
        assertThat(fresh.load(counter)).isPresent();
        putRaw("{\"version\":9,\"fingerprint\":\"fp\",\"state\":{\"sum\":8}}"); // and again, unseen by fresh

        Snapshot newer = new Snapshot(10, "fp", STATE.encode(new Total(9)));
        fresh.save(counter, newer);

        // the remembered revision was outdated: the update failed, the key was read again, the save went through
        assertThat(fresh.load(counter)).contains(newer);
        assertThat(fresh.failedSaves()).isZero();
        long revision = NATS.connection()
                .keyValue(config.snapshotBucket())
                .get(counter.key())
                .getRevision();
        Snapshot newest = new Snapshot(11, "fp", STATE.encode(new Total(10)));
        fresh.save(counter, newest);
        assertThat(NATS.connection()
                        .keyValue(config.snapshotBucket())
                        .get(counter.key())
                        .getRevision())
                .isEqualTo(revision + 1);
        assertThat(fresh.load(counter)).contains(newest);
    }

    @Test
    void aCorruptSnapshotIsEmptyAndCounted() throws Exception {
        putRaw("{\"version\": \"seven\"");

        assertThat(snapshots.load(counter)).isEmpty();
        assertThat(snapshots.corruptSnapshots()).isEqualTo(1);
    }

    @Test
    void aValueWithTrailingBytesIsCorrupt() throws Exception {
        putRaw("{\"version\":7,\"fingerprint\":\"fp\",\"state\":{\"sum\":6}} {\"sum\":7}");

        assertThat(snapshots.load(counter)).isEmpty();
        assertThat(snapshots.corruptSnapshots()).isEqualTo(1);
    }

    record Ledger(BigDecimal price, long total, Instant at) {}

    @Test
    void keepsTheStatesNumbersExactly() throws Exception {
        JsonStateCodec<Ledger> codec = JsonStateCodec.of(Ledger.class);
        Ledger state =
                new Ledger(new BigDecimal("100.10"), Long.MIN_VALUE, Instant.parse("2026-01-05T09:00:00.000000001Z"));

        snapshots.save(counter, new Snapshot(7, codec.fingerprint(), codec.encode(state)));

        Snapshot loaded = snapshots.load(counter).orElseThrow();
        assertThat(codec.decode(loaded.state())).isEqualTo(state);
        assertThat(new String(
                        NATS.connection()
                                .keyValue(config.snapshotBucket())
                                .get("counter.c-1")
                                .getValue(),
                        StandardCharsets.UTF_8))
                .contains("\"price\":100.10", "\"total\":" + Long.MIN_VALUE);
    }

    @Test
    void savesNeverGoBackwards() {
        Snapshot newer = new Snapshot(10, "fp", STATE.encode(new Total(10)));
        snapshots.save(counter, newer);

        snapshots.save(counter, new Snapshot(5, "fp", STATE.encode(new Total(5))));

        assertThat(snapshots.load(counter)).contains(newer);
        assertThat(snapshots.skippedSaves()).isEqualTo(1);
    }

    @Test
    void aCorruptSnapshotIsReplacedByTheNextSave() throws Exception {
        putRaw("garbage");
        Snapshot valid = new Snapshot(3, "fp", STATE.encode(new Total(6)));

        snapshots.save(counter, valid);

        assertThat(snapshots.load(counter)).contains(valid);
    }

    @Test
    void aStateThatIsNotJsonIsKeptAsBase64() {
        Snapshot binary = new Snapshot(2, "fp", new byte[] {0, 1, 2, (byte) 0xff});

        snapshots.save(counter, binary);

        assertThat(snapshots.load(counter)).contains(binary);
    }

    @Test
    void aSaveNeverThrowsWhenTheServerIsGone() throws Exception {
        Connection doomed = NATS.server().connect();
        NatsSnapshotStore lost = NatsSnapshotStore.create(doomed, config);
        doomed.close();

        assertThatCode(() -> lost.save(counter, new Snapshot(1, "fp", STATE.encode(new Total(1)))))
                .doesNotThrowAnyException();
        assertThat(lost.failedSaves()).isEqualTo(1);
    }

    @Test
    void aSnapshotWithAStaleFingerprintIsIgnoredAndTheStateRederived() {
        long version = appendThree();
        snapshots.save(counter, new Snapshot(version, "old-shape", "{\"sum\":999}".getBytes(StandardCharsets.UTF_8)));

        assertThat(currentState()).isEqualTo(new Total(6));
    }

    @Test
    void aCorruptSnapshotIsIgnoredAndTheStateRederived() throws Exception {
        appendThree();
        putRaw("{not json");

        assertThat(currentState()).isEqualTo(new Total(6));
    }

    @Test
    void aSnapshotAheadOfTheStreamIsIgnoredAndTheStateRederived() {
        long version = appendThree();
        snapshots.save(counter, new Snapshot(version + 100, STATE.fingerprint(), STATE.encode(new Total(999))));

        assertThat(currentState()).isEqualTo(new Total(6));
    }

    @Test
    void aUsableSnapshotIsFoldedWithTheEventsAfterIt() {
        long version = appendThree();
        // a (deliberately different) state at the current version proves the snapshot is used, not re-derived
        snapshots.save(counter, new Snapshot(version, STATE.fingerprint(), STATE.encode(new Total(100))));
        events.append(counter, version, List.of(EVENTS.encode(new Added(5))), CommandContext.create());

        assertThat(currentState()).isEqualTo(new Total(105));
    }
}
