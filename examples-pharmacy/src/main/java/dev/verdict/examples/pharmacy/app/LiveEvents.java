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
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>Bounded: at most {@link #MAX_STREAMS} streams at once (each holds one thread reading its consumer); beyond that a
 * {@code 503 unavailable}. The streams end first when the app stops (this lifecycle stops before the web server's
 * graceful shutdown, which would otherwise wait for them).
 */
@RestController
final class LiveEvents implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(LiveEvents.class);
    static final int MAX_STREAMS = 8;
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final long RECONNECT_MILLIS = 2000;
    private static final MediaType EVENT_STREAM = MediaType.parseMediaType("text/event-stream; charset=utf-8");

    private final Connection nats;
    private final StoreName store;
    private final ObjectMapper json;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);
    private final ExecutorService readers = Executors.newFixedThreadPool(MAX_STREAMS, runnable -> {
        Thread thread = new Thread(runnable, "pharmacy-live-events");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;

    LiveEvents(Connection nats, NatsEventStoreConfig config, ObjectMapper json) {
        this.nats = nats;
        this.store = config.storeName();
        this.json = json;
    }

    @GetMapping("/events/stream")
    ResponseEntity<SseEmitter> stream(@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        if (!streams.tryAcquire()) {
            throw ApiError.unavailable("too many live event streams (" + MAX_STREAMS + "); try again");
        }
        boolean started = false;
        try {
            OrderedConsumerContext consumer = consumer(lastEventId(lastEventId));
            SseEmitter emitter = new SseEmitter(0L); // no timeout: the heartbeat finds a closed connection
            AtomicBoolean open = new AtomicBoolean(true);
            emitter.onCompletion(() -> open.set(false));
            emitter.onError(e -> open.set(false));
            readers.execute(() -> pump(consumer, emitter, open));
            started = true;
            return ResponseEntity.ok()
                    .contentType(EVENT_STREAM)
                    .cacheControl(CacheControl.noCache())
                    .body(emitter);
        } catch (RejectedExecutionException stopping) {
            throw ApiError.unavailable("the pharmacy is stopping; try again");
        } finally {
            if (!started) {
                streams.release();
            }
        }
    }

    private OrderedConsumerContext consumer(Optional<Long> last) {
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration().filterSubject(store.value() + ".>");
        if (last.isPresent()) {
            config.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(last.get() + 1);
        } else {
            config.deliverPolicy(DeliverPolicy.New);
        }
        try {
            return nats.getStreamContext(store.value()).createOrderedConsumer(config);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warn("cannot start a live event stream: {}", e.toString());
            throw ApiError.unavailable("the event store (NATS) is unreachable; try again");
        }
    }

    /** Sends the consumer's events until the client goes away or the app stops; then frees the stream's slot. */
    private void pump(OrderedConsumerContext consumer, SseEmitter emitter, AtomicBoolean open) {
        try (IterableConsumer messages = consumer.iterate()) {
            emitter.send(SseEmitter.event().reconnectTime(RECONNECT_MILLIS).comment("events of store " + store));
            while (open.get() && !Thread.currentThread().isInterrupted()) {
                Message message = messages.nextMessage(HEARTBEAT);
                if (message == null) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                } else {
                    emitter.send(event(message));
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
            streams.release();
            try {
                emitter.complete();
            } catch (RuntimeException alreadyDone) {
                LOG.debug("live event stream already completed: {}", alreadyDone.toString());
            }
        }
    }

    private SseEmitter.SseEventBuilder event(Message message) throws IOException {
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
        return SseEmitter.event().id(Long.toString(event.sequence())).data(json.writeValueAsString(node));
    }

    private static Optional<Long> lastEventId(String raw) {
        if (raw == null || !raw.trim().matches("[0-9]{1,18}")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(raw.trim()));
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
