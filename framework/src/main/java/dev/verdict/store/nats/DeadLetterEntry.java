package dev.verdict.store.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.DeadLetter;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.PoisonReason;
import dev.verdict.store.nats.NatsDeadLetters.RetryState;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * A dead letter's entry in the bucket of {@link NatsDeadLetters}, as read: its JSON (the letter, with the open retry
 * request under {@code retry} and the last failed one under {@code lastRetry}) and its revision for compare-and-set;
 * and the JSON form of a dead letter both ways. The form is stored: it keeps reading the entries of earlier releases
 * (without {@code streamIdentity}).
 */
record DeadLetterEntry(ObjectNode json, long revision) {
    private static final ObjectMapper JSON = new ObjectMapper();

    DeadLetter letter() {
        return letterOf(json);
    }

    Optional<String> requestId() {
        return text(json.path("retry"), "id");
    }

    Optional<String> claimedBy() {
        return text(json.path("retry"), "claimedBy");
    }

    RetryState state() {
        return new RetryState(
                letter(),
                requestId(),
                text(json.path("retry"), "requestedAt").map(Instant::parse),
                claimedBy(),
                text(json.path("lastRetry"), "id"));
    }

    private static Optional<String> text(JsonNode n, String field) {
        return n.hasNonNull(field) ? Optional.of(n.get(field).asText()) : Optional.empty();
    }

    static byte[] toJson(DeadLetter l) {
        return bytes(node(l));
    }

    static ObjectNode node(DeadLetter l) {
        ObjectNode n = JSON.createObjectNode();
        n.put("projection", l.projection());
        n.put("stream", l.stream());
        n.put("sequence", l.sequence());
        n.put("subject", l.subject());
        l.eventType().ifPresent(t -> n.put("eventType", t));
        n.put("reason", l.reason().name());
        n.put("detail", l.detail());
        n.put("attempts", l.attempts());
        n.put("recordedAt", l.recordedAt().toString());
        l.streamIdentity().ifPresent(i -> n.put("streamIdentity", i));
        return n;
    }

    static byte[] bytes(ObjectNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode dead letter", e);
        }
    }

    static DeadLetter fromJson(byte[] bytes) {
        return letterOf(tree(bytes));
    }

    static ObjectNode tree(byte[] bytes) {
        try {
            if (JSON.readTree(bytes) instanceof ObjectNode n) {
                return n;
            }
            throw new EventStoreException("unreadable dead-letter entry: not a JSON object", null);
        } catch (IOException e) {
            throw new EventStoreException("unreadable dead-letter entry: " + e.getMessage(), e);
        }
    }

    static DeadLetter letterOf(JsonNode n) {
        try {
            return new DeadLetter(
                    n.path("projection").asText(),
                    n.path("stream").asText(),
                    n.path("sequence").asLong(),
                    n.path("subject").asText(),
                    n.hasNonNull("eventType") ? Optional.of(n.get("eventType").asText()) : Optional.empty(),
                    PoisonReason.valueOf(n.path("reason").asText()),
                    n.path("detail").asText(),
                    n.path("attempts").asInt(),
                    Instant.parse(n.path("recordedAt").asText()),
                    // absent in the entries of earlier releases
                    n.hasNonNull("streamIdentity")
                            ? Optional.of(n.get("streamIdentity").asText())
                            : Optional.empty());
        } catch (RuntimeException e) {
            throw new EventStoreException("unreadable dead-letter entry: " + e.getMessage(), e);
        }
    }
}
