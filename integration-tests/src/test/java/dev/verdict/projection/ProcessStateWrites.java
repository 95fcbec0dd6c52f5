package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.store.nats.NatsProcessStates;
import io.nats.client.Connection;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Observes the writes of a single-instance process's state entry ({@code <process>.i.single}, for processes whose
 * state is a count of events, as a decimal string): how many succeeded, and what each one held.
 */
public final class ProcessStateWrites {
    private ProcessStateWrites() {}

    /**
     * The last sequence of the process-state bucket's stream. Each successful write adds one message; a refused
     * compare-and-set adds none.
     */
    public static long bucketLastSequence(Connection nc) throws Exception {
        return nc.jetStreamManagement()
                .getStreamInfo("KV_" + NatsProcessStates.BUCKET)
                .getStreamState()
                .getLastSequence();
    }

    /** Collects the new values of one process's entry into {@code into}. */
    public static NatsKeyValueWatchSubscription watch(Connection nc, String process, List<KeyValueEntry> into)
            throws Exception {
        return nc.keyValue(NatsProcessStates.BUCKET)
                .watch(
                        process + ".i.single",
                        new KeyValueWatcher() {
                            @Override
                            public void watch(KeyValueEntry entry) {
                                into.add(entry);
                            }

                            @Override
                            public void endOfData() {}
                        },
                        KeyValueWatchOption.UPDATES_ONLY);
    }

    /** Waits (at most 30 s) until the watch saw the entry's current revision: the last write is never superseded. */
    public static void awaitLast(Connection nc, String process, List<KeyValueEntry> writes) throws Exception {
        long last =
                nc.keyValue(NatsProcessStates.BUCKET).get(process + ".i.single").getRevision();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (writes.stream().noneMatch(e -> e.getRevision() == last) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /**
     * Each write seen holds an event's sequence and the count of events up to and including it, later writes hold
     * later events, and the last write is the last event's. A watch may miss a value that was superseded before it
     * was delivered (the bucket keeps one value per key), so this checks the writes seen, not their number.
     */
    public static <E> void assertInOrder(List<KeyValueEntry> writes, List<DeliveredEvent<E>> events) throws Exception {
        List<Long> sequences = events.stream().map(DeliveredEvent::sequence).toList();
        ObjectMapper json = new ObjectMapper();
        int previous = -1;
        for (KeyValueEntry write : writes) {
            JsonNode value = json.readTree(write.getValue());
            int index = sequences.indexOf(value.path("sequence").asLong());
            assertThat(index)
                    .as("write at revision %d is for a later event", write.getRevision())
                    .isGreaterThan(previous);
            String state =
                    new String(Base64.getDecoder().decode(value.path("state").asText()), StandardCharsets.US_ASCII);
            assertThat(Long.parseLong(state))
                    .as("state written at revision %d counts every event up to its own", write.getRevision())
                    .isEqualTo(index + 1L);
            previous = index;
        }
        assertThat(previous).as("the last write is the last event's").isEqualTo(events.size() - 1);
    }
}
