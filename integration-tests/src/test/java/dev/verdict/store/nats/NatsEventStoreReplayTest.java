package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.store.ReadResult;
import dev.verdict.store.RecordedEvent;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replay of a long history interleaved with other entities (more than a direct batch get: the consumer read path).
 * Reads as of a sequence or a point in time on short histories are {@link dev.verdict.store.EventStoreContract}'s.
 */
class NatsEventStoreReplayTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final int EVENTS = 10_000;
    private static final EntityRef LONG = EntityRef.of("ledger", "long");
    private static final EntityRef NEIGHBOUR = EntityRef.of("ledger", "neighbour");

    private static Connection nc;
    private static NatsEventStore store;
    /** The whole history of {@link #LONG}, read once (reading 10,000 events is the slow part of this class). */
    private static List<RecordedEvent> all;

    @BeforeAll
    static void appendTenThousandEventsInterleavedWithAnotherEntity() throws Exception {
        nc = NATS.server().connect();
        store = NatsEventStore.create(nc, NatsEventStoreConfig.of("replay"));
        long version = 0;
        long neighbourVersion = 0;
        for (int batch = 0; batch < EVENTS / 1000; batch++) {
            List<EncodedEvent> events = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                events.add(numbered(batch * 1000 + i));
            }
            version =
                    store.append(LONG, version, events, CommandContext.create()).version();
            neighbourVersion = store.append(NEIGHBOUR, neighbourVersion, List.of(numbered(-1)), CommandContext.create())
                    .version();
        }
        all = store.readAll(LONG, ReadRange.all());
    }

    @AfterAll
    static void close() throws Exception {
        nc.close();
    }

    private static EncodedEvent numbered(int n) {
        return new EncodedEvent("Numbered", 1, ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static int numberOf(RecordedEvent e) {
        String json = new String(e.event().payload(), StandardCharsets.UTF_8);
        return Integer.parseInt(json.substring(5, json.length() - 1));
    }

    @Test
    void replaysTenThousandEventsCompleteAndInOrder() {
        List<RecordedEvent> events = all;

        assertThat(events).hasSize(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            assertThat(numberOf(events.get(i))).isEqualTo(i);
            assertThat(events.get(i).entity()).isEqualTo(LONG);
        }
        assertThat(events).extracting(RecordedEvent::sequence).isSorted().doesNotHaveDuplicates();
        assertThat(events.get(EVENTS - 1).sequence()).isEqualTo(store.version(LONG));
    }

    @Test
    void aLongReadLeavesNoConsumerBehind() throws Exception {
        store.read(LONG, ReadRange.all(), e -> {});

        // the read consumer is deleted asynchronously right after the read
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> consumers = nc.jetStreamManagement().getConsumerNames("replay");
        while (!consumers.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            consumers = nc.jetStreamManagement().getConsumerNames("replay");
        }
        assertThat(consumers).isEmpty();
    }

    @Test
    void readsAsOfAStreamSequence() {
        long cut = all.get(4_999).sequence();

        List<RecordedEvent> prefix = store.readAll(LONG, ReadRange.all().upToSequence(cut));

        assertThat(prefix).hasSize(5_000);
        assertThat(prefix.get(prefix.size() - 1).sequence()).isEqualTo(cut);
    }

    @Test
    void readsATailFromTheMiddle() {
        ReadResult r = store.read(LONG, ReadRange.after(all.get(9_989).sequence()), e -> {});

        assertThat(r.eventsRead()).isEqualTo(10);
        assertThat(r.lastSequence()).isEqualTo(all.get(EVENTS - 1).sequence());
    }
}
