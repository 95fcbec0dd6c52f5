package dev.verdict.projection;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.nats.NatsEventHeaders;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Writes events onto a store's stream exactly as the event store lays them out (subject per entity, {@link
 * NatsEventHeaders}), but with asynchronous publishes, so projection tests fill a stream with 10,000 events quickly.
 */
final class EventStreamFixture {
    private final Connection connection;
    private final String store;
    private final CounterCodec codec = new CounterCodec();

    EventStreamFixture(Connection connection, String store) throws Exception {
        this(connection, store, 1);
    }

    EventStreamFixture(Connection connection, String store, int replicas) throws Exception {
        this.connection = connection;
        this.store = store;
        JetStreamManagement jsm = connection.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder()
                .name(store)
                .subjects(store + ".>")
                .storageType(StorageType.File)
                .replicas(replicas)
                .build());
    }

    /**
     * Appends one event with a message id, re-sending until the server acknowledges it (a leader election, a lost
     * node): the id makes a re-send of a stored message a duplicate, so it is stored once. Returns its sequence.
     */
    long appendPatiently(CounterEvent event, String messageId, Duration giveUpAfter) throws Exception {
        long deadline = System.nanoTime() + giveUpAfter.toNanos();
        while (true) {
            try {
                return connection
                        .jetStream()
                        .publish(
                                message(event),
                                PublishOptions.builder().messageId(messageId).build())
                        .getSeqno();
            } catch (IOException | JetStreamApiException | IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Appends the events (async publish, bounded window) and returns their sequences. */
    List<Long> append(List<CounterEvent> events) throws Exception {
        JetStream js = connection.jetStream();
        List<Long> sequences = new ArrayList<>(events.size());
        List<CompletableFuture<PublishAck>> window = new ArrayList<>();
        for (CounterEvent event : events) {
            window.add(js.publishAsync(message(event)));
            if (window.size() == 500) {
                for (CompletableFuture<PublishAck> f : window) {
                    sequences.add(f.get().getSeqno());
                }
                window.clear();
            }
        }
        for (CompletableFuture<PublishAck> f : window) {
            sequences.add(f.get().getSeqno());
        }
        return sequences;
    }

    long append(CounterEvent event) throws Exception {
        return append(List.of(event)).get(0);
    }

    /** Publishes a message of the given type and payload on a counter's subject, bypassing the codec. */
    long appendRaw(String counter, String type, String payload) throws Exception {
        Headers h = headers(type);
        return connection
                .jetStream()
                .publish(NatsMessage.builder()
                        .subject(store + ".counter." + counter)
                        .headers(h)
                        .data(payload)
                        .build())
                .getSeqno();
    }

    /** Publishes a message without any Verdict headers. */
    long appendForeign(String counter, String payload) throws Exception {
        return connection
                .jetStream()
                .publish(store + ".counter." + counter, payload.getBytes())
                .getSeqno();
    }

    /** Appends one event to the counter's entity in another (possibly hierarchical) category; returns its sequence. */
    long append(String category, CounterEvent event) throws Exception {
        return connection.jetStream().publish(message(category, event)).getSeqno();
    }

    private Message message(CounterEvent event) {
        return message("counter", event);
    }

    private Message message(String category, CounterEvent event) {
        EncodedEvent encoded = codec.encode(event);
        return NatsMessage.builder()
                .subject(store + "." + category + "." + event.counter())
                .headers(headers(encoded.type()))
                .data(encoded.payload())
                .build();
    }

    private static Headers headers(String type) {
        String id = UUID.randomUUID().toString();
        return NatsEventHeaders.of(
                new EncodedEvent(type, 1, new byte[0]),
                0,
                id,
                Instant.now(),
                CommandContext.withCommandId("cmd-" + id));
    }
}
