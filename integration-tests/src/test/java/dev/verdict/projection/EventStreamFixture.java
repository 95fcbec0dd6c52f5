package dev.verdict.projection;

import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.RecordedEvent;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Writes events onto a store's stream the way the event store lays them out (subject per entity, type and ids in
 * headers) and reads them back, so projection tests need nothing but a nats-server.
 */
final class EventStreamFixture {
    static final String TYPE = "Verdict-Event-Type";
    static final String SCHEMA = "Verdict-Schema-Version";
    static final String EVENT_ID = "Verdict-Event-Id";
    static final String COMMAND_ID = "Verdict-Command-Id";
    static final String CORRELATION_ID = "Verdict-Correlation-Id";

    private final Connection connection;
    private final String store;
    private final CounterCodec codec = new CounterCodec();

    EventStreamFixture(Connection connection, String store) throws Exception {
        this.connection = connection;
        this.store = store;
        JetStreamManagement jsm = connection.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder()
                .name(store)
                .subjects(store + ".>")
                .storageType(StorageType.File)
                .build());
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

    private Message message(CounterEvent event) {
        EncodedEvent encoded = codec.encode(event);
        return NatsMessage.builder()
                .subject(store + ".counter." + event.counter())
                .headers(headers(encoded.type()))
                .data(encoded.payload())
                .build();
    }

    private static Headers headers(String type) {
        String id = UUID.randomUUID().toString();
        Headers h = new Headers();
        h.put(TYPE, type);
        h.put(SCHEMA, "1");
        h.put(EVENT_ID, id);
        h.put(COMMAND_ID, "cmd-" + id);
        h.put(CORRELATION_ID, "corr-" + id);
        return h;
    }

    /** Reads a message of the fixture's layout; fails like the store's mapping on a message without headers. */
    static RecordedEvent read(Message m) {
        Headers h = m.getHeaders();
        if (h == null || h.getFirst(TYPE) == null || h.getFirst(EVENT_ID) == null) {
            throw new IllegalArgumentException(
                    "message " + m.getSubject() + " has no " + TYPE + "/" + EVENT_ID + " header: not a Verdict event");
        }
        String[] tokens = m.getSubject().split("\\.");
        Instant stored = m.metaData().timestamp().toInstant();
        return new RecordedEvent(
                EntityRef.of(tokens[1], tokens[2]),
                m.metaData().streamSequence(),
                stored,
                h.getFirst(EVENT_ID),
                stored,
                new EncodedEvent(h.getFirst(TYPE), Integer.parseInt(h.getFirst(SCHEMA)), m.getData()),
                h.getFirst(COMMAND_ID),
                h.getFirst(CORRELATION_ID),
                Optional.empty(),
                Map.of());
    }
}
