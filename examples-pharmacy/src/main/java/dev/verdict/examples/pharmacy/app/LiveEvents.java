package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsRecordedEvents;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /events/stream}: every event stored from now on, as server-sent events ({@link SseEmitter}) – what the
 * console uses to show new events without reloading.
 *
 * <p>Each connection reads the store's stream with its own JetStream ordered consumer (ephemeral, on {@code
 * <store>.>}, starting with the next event), so it sees exactly what was stored, in order, with its stream sequence –
 * never a publish the stream refused. Each event is one SSE message, {@code id} its stream sequence and {@code data}
 * {@code {"sequence","type","time","category","id","data"}}; a browser that reconnects sends {@code Last-Event-ID}
 * and continues after that sequence, missing nothing. A comment every 5 s keeps the connection open and finds a
 * closed one; the consumer is deleted when the client goes away or the app stops.
 *
 * <p>A store sharded over N streams ({@code STORE_SHARDS}) is read with one ordered consumer per shard stream, in one
 * SSE stream: each shard's events in order, the shards interleaved as they arrive. An event's {@code id} is then the
 * position in every shard, {@code <seq0>-<seq1>-…} (the last sequence sent of each shard; unsharded, it is the one
 * sequence, as before), so a reconnect resumes each shard where it was.
 *
 * <p>Bounded: at most {@link #MAX_STREAMS} streams at once (each holds one thread reading its consumer); beyond that a
 * {@code 503 unavailable}. The streams end first when the app stops (this lifecycle stops before the web server's
 * graceful shutdown, which would otherwise wait for them).
 */
@RestController
final class LiveEvents implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(LiveEvents.class);
    static final int MAX_STREAMS = 8;
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** How long each of several consumers is waited for in turn. */
    private static final Duration POLL = Duration.ofMillis(50);

    private static final long RECONNECT_MILLIS = 2000;
    private static final MediaType EVENT_STREAM = MediaType.parseMediaType("text/event-stream; charset=utf-8");

    private final Connection nats;
    private final List<StoreName> streams;
    private final ObjectMapper json;
    private final Semaphore slots = new Semaphore(MAX_STREAMS);
    private final ExecutorService readers = Executors.newFixedThreadPool(MAX_STREAMS, runnable -> {
        Thread thread = new Thread(runnable, "pharmacy-live-events");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;

    LiveEvents(Connection nats, NatsEventStoreConfig config, StoreShards shards, ObjectMapper json) {
        this.nats = nats;
        this.streams = IntStream.range(0, shards.count())
                .mapToObj(k -> shards.storeOf(config, k))
                .toList();
        this.json = json;
    }

    @GetMapping("/events/stream")
    ResponseEntity<SseEmitter> stream(@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        if (!slots.tryAcquire()) {
            throw ApiError.unavailable("too many live event streams (" + MAX_STREAMS + "); try again");
        }
        boolean started = false;
        try {
            long[] positions = positions(lastEventId);
            List<OrderedConsumerContext> consumers = new ArrayList<>();
            for (int k = 0; k < streams.size(); k++) {
                if (positions[k] < 0) { // from the next event stored: after the stream's last one now
                    positions[k] = lastSequence(streams.get(k));
                }
                consumers.add(consumer(streams.get(k), positions[k]));
            }
            SseEmitter emitter = new SseEmitter(0L); // no timeout: the heartbeat finds a closed connection
            AtomicBoolean open = new AtomicBoolean(true);
            emitter.onCompletion(() -> open.set(false));
            emitter.onError(e -> open.set(false));
            readers.execute(() -> pump(consumers, positions, emitter, open));
            started = true;
            return ResponseEntity.ok()
                    .contentType(EVENT_STREAM)
                    .cacheControl(CacheControl.noCache())
                    .body(emitter);
        } catch (RejectedExecutionException stopping) {
            throw ApiError.unavailable("the pharmacy is stopping; try again");
        } finally {
            if (!started) {
                slots.release();
            }
        }
    }

    private long lastSequence(StoreName store) {
        try {
            return nats.jetStreamManagement()
                    .getStreamInfo(store.value())
                    .getStreamState()
                    .getLastSequence();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warn("cannot start a live event stream: {}", e.toString());
            throw ApiError.unavailable("the event store (NATS) is unreachable; try again");
        }
    }

    /** An ordered consumer of the stream's events after sequence {@code last}. */
    private OrderedConsumerContext consumer(StoreName store, long last) {
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration()
                .filterSubject(store.value() + ".>")
                .deliverPolicy(DeliverPolicy.ByStartSequence)
                .startSequence(last + 1);
        try {
            return nats.getStreamContext(store.value()).createOrderedConsumer(config);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warn("cannot start a live event stream: {}", e.toString());
            throw ApiError.unavailable("the event store (NATS) is unreachable; try again");
        }
    }

    /**
     * Sends the consumers' events until the client goes away or the app stops; then frees the stream's slot. One
     * consumer waits for its next message up to the heartbeat; several are polled in turn, briefly each.
     */
    private void pump(
            List<OrderedConsumerContext> consumers, long[] positions, SseEmitter emitter, AtomicBoolean open) {
        List<IterableConsumer> iterating = new ArrayList<>();
        try {
            for (OrderedConsumerContext consumer : consumers) {
                iterating.add(consumer.iterate());
            }
            emitter.send(SseEmitter.event()
                    .reconnectTime(RECONNECT_MILLIS)
                    .comment("events of store " + (streams.size() == 1 ? streams.get(0) : streams)));
            Duration wait = iterating.size() == 1 ? HEARTBEAT : POLL;
            long quietSince = System.nanoTime();
            while (open.get() && !Thread.currentThread().isInterrupted()) {
                boolean sent = false;
                for (int k = 0; k < iterating.size(); k++) {
                    Message message = iterating.get(k).nextMessage(wait);
                    if (message != null) {
                        positions[k] = message.metaData().streamSequence();
                        emitter.send(event(streams.get(k), message, positions));
                        sent = true;
                    }
                }
                if (sent) {
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince >= HEARTBEAT.toNanos()) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                    quietSince = System.nanoTime();
                }
            }
        } catch (IOException | IllegalStateException gone) {
            // the client closed the connection (IllegalStateException: the emitter completed meanwhile)
            LOG.debug("live event stream closed: {}", gone.toString());
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("live event stream ended: {}", e.toString());
        } finally {
            for (IterableConsumer consumer : iterating) {
                try {
                    consumer.close();
                } catch (Exception e) {
                    LOG.debug("closing a live event consumer: {}", e.toString());
                }
            }
            slots.release();
            try {
                emitter.complete();
            } catch (RuntimeException alreadyDone) {
                LOG.debug("live event stream already completed: {}", alreadyDone.toString());
            }
        }
    }

    private SseEmitter.SseEventBuilder event(StoreName store, Message message, long[] positions) throws IOException {
        RecordedEvent event;
        try {
            event = NatsRecordedEvents.fromMessage(store, message);
        } catch (RuntimeException notAnEvent) {
            return SseEmitter.event().comment("skipped a message that is not an event");
        }
        ObjectNode node = json.createObjectNode();
        node.put("sequence", event.sequence());
        node.put("type", event.type());
        node.put("time", event.time().toString());
        node.put("category", event.entity().category().value());
        node.put("id", event.entity().id().value());
        JsonNode data;
        try {
            data = json.readTree(event.event().payload());
        } catch (IOException e) {
            data = json.getNodeFactory().textNode("<payload is not JSON>");
        }
        node.set("data", data);
        String id = Arrays.stream(positions).mapToObj(Long::toString).collect(Collectors.joining("-"));
        return SseEmitter.event().id(id).data(json.writeValueAsString(node));
    }

    /**
     * The position in each stream a {@code Last-Event-ID} names – one sequence per stream, {@code -} between them –
     * or -1 for each (from the next event stored) when there is none or it names another number of streams.
     */
    private long[] positions(String lastEventId) {
        long[] positions = new long[streams.size()];
        Arrays.fill(positions, -1);
        if (lastEventId == null) {
            return positions;
        }
        String[] parts = lastEventId.trim().split("-", -1);
        if (parts.length != positions.length) {
            return positions;
        }
        for (String part : parts) {
            if (!part.matches("[0-9]{1,18}")) {
                return positions;
            }
        }
        for (int k = 0; k < parts.length; k++) {
            positions[k] = Long.parseLong(parts[k]);
        }
        return positions;
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends every open stream (their threads are interrupted) so that the web server's shutdown need not wait. */
    @Override
    public void stop() {
        running = false;
        readers.shutdownNow();
        try {
            readers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server's graceful shutdown (and starts after everything else). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
