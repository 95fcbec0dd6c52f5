package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsRecordedEvents;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events/stream}: every event stored from now on, as server-sent events – what the console uses to show
 * new events without reloading.
 *
 * <p>Each connection reads the store's stream with its own JetStream ordered consumer (ephemeral, on {@code
 * <store>.>}, starting with the next event), so it sees exactly what was stored, in order, with its stream sequence –
 * never a publish the stream refused. Each event is one SSE message, {@code id:} its stream sequence and {@code data:}
 * {@code {"sequence","type","time","category","id","data"}}; a browser that reconnects sends {@code Last-Event-ID}
 * and continues after that sequence, missing nothing. A comment every 5 s keeps the connection open and finds a
 * closed one; the consumer is deleted when the client goes away or the app stops.
 *
 * <p>Bounded: at most {@link #MAX_STREAMS} streams at once (each holds one of the server's threads); beyond that a
 * {@code 503 unavailable}.
 */
final class LiveEvents implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(LiveEvents.class);
    static final int MAX_STREAMS = 8;
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);

    private final Connection nats;
    private final StoreName store;
    private final ObjectMapper json;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);

    LiveEvents(Connection nats, StoreName store, ObjectMapper json) {
        this.nats = nats;
        this.store = store;
        this.json = json;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                error(exchange, 405, "method-not-allowed", "use GET here, not " + exchange.getRequestMethod());
                return;
            }
            if (!exchange.getRequestURI().getRawPath().equals("/events/stream")) {
                error(
                        exchange,
                        404,
                        "not-found",
                        "no such resource: " + exchange.getRequestURI().getRawPath());
                return;
            }
            if (!streams.tryAcquire()) {
                error(exchange, 503, "unavailable", "too many live event streams (" + MAX_STREAMS + "); try again");
                return;
            }
            try {
                stream(exchange);
            } finally {
                streams.release();
            }
        }
    }

    private void stream(HttpExchange exchange) throws IOException {
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration().filterSubject(store.value() + ".>");
        Optional<Long> last = lastEventId(exchange);
        if (last.isPresent()) {
            config.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(last.get() + 1);
        } else {
            config.deliverPolicy(DeliverPolicy.New);
        }
        OrderedConsumerContext consumer;
        try {
            consumer = nats.getStreamContext(store.value()).createOrderedConsumer(config);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warn("cannot start a live event stream: {}", e.toString());
            error(exchange, 503, "unavailable", "the event store (NATS) is unreachable; try again");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (IterableConsumer messages = consumer.iterate();
                OutputStream out = exchange.getResponseBody()) {
            write(out, "retry: 2000\n: events of store " + store.value() + "\n\n");
            while (!Thread.currentThread().isInterrupted()) {
                Message message = messages.nextMessage(HEARTBEAT);
                if (message == null) {
                    write(out, ": keep-alive\n\n");
                } else {
                    write(out, event(message));
                }
            }
        } catch (IOException gone) {
            LOG.debug("live event stream closed: {}", gone.toString());
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("live event stream ended: {}", e.toString());
        }
    }

    private String event(Message message) throws IOException {
        RecordedEvent event;
        try {
            event = NatsRecordedEvents.fromMessage(store, message);
        } catch (RuntimeException notAnEvent) {
            return ": skipped a message that is not an event\n\n";
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
        return "id: " + event.sequence() + "\ndata: " + json.writeValueAsString(node) + "\n\n";
    }

    private static Optional<Long> lastEventId(HttpExchange exchange) {
        String raw = exchange.getRequestHeaders().getFirst("Last-Event-ID");
        if (raw == null || !raw.trim().matches("[0-9]{1,18}")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(raw.trim()));
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        byte[] body = ("{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
