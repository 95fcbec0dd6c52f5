package dev.verdict.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.runtime.AppendedEvent;
import dev.verdict.runtime.Outcome;
import dev.verdict.runtime.Registration;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StateCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The JSON of a forwarded command and of its answer. The command, the events and the state inside are the bytes of
 * the application's own codecs ({@link CommandCodec}, the registration's event and state codecs).
 */
final class RouteWire {
    static final ObjectMapper JSON = new ObjectMapper();

    private RouteWire() {}

    /**
     * A forwarded command as the owner receives it: of one entity ({@code category}, {@code id}), or – {@code multi} –
     * a decision over several entities registered as {@code category}, {@code id} naming the entity it was routed by.
     */
    record Request(String category, String id, CommandContext context, byte[] command, boolean multi) {}

    /** What the owner answers when it could not produce an outcome. */
    enum Failure {
        /** Nothing registered for the category on the owner (yet): the sender decides itself. */
        UNROUTED,
        /** The owner's runtime failed (conflict retries exhausted, store unavailable, a decider bug…). */
        FAILED
    }

    static byte[] request(String category, String id, CommandContext context, byte[] command) {
        return write(request(category, id, context, command, false));
    }

    /** A decision over several entities, registered as {@code name}, routed by the entity {@code id}. */
    static byte[] multiRequest(String name, String id, CommandContext context, byte[] command) {
        return write(request(name, id, context, command, true));
    }

    private static ObjectNode request(
            String category, String id, CommandContext context, byte[] command, boolean multi) {
        ObjectNode n = JSON.createObjectNode();
        if (multi) { // absent on a one-entity command: the form every version reads
            n.put("multi", true);
        }
        n.put("category", category);
        n.put("id", id);
        n.put("commandId", context.commandId());
        n.put("correlationId", context.correlationId());
        context.causationId().ifPresent(c -> n.put("causationId", c));
        ObjectNode metadata = n.putObject("metadata");
        context.metadata().forEach(metadata::put);
        n.put("command", command);
        return n;
    }

    static Request readRequest(byte[] bytes) {
        JsonNode n = read(bytes);
        Map<String, String> metadata = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("metadata").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            metadata.put(e.getKey(), e.getValue().asText());
        }
        CommandContext context = new CommandContext(
                text(n, "commandId"),
                text(n, "correlationId"),
                n.hasNonNull("causationId") ? Optional.of(n.get("causationId").asText()) : Optional.empty(),
                metadata);
        return new Request(
                text(n, "category"),
                text(n, "id"),
                context,
                binary(n, "command"),
                n.path("multi").asBoolean(false));
    }

    static <S, E> byte[] outcome(Outcome<S, E> outcome, Registration<?, S, E> registration) {
        StateCodec<S> states = stateCodec(registration);
        ObjectNode n = JSON.createObjectNode();
        n.put("version", outcome.version());
        n.put("state", states.encode(outcome.state()));
        writeKind(n, outcome, e -> registration.eventCodec(), (node, entity) -> node);
        return write(n);
    }

    /**
     * Writes what an outcome's kind adds: an acceptance's duplicate flag and events (each event's node first given to
     * {@code eventNode}, which may name its entity; then sequence, type, schema version and payload), a rejection's code
     * and message. One form for the answers over one and over several entities.
     */
    static <S, E> void writeKind(
            ObjectNode n,
            Outcome<S, E> outcome,
            Function<EntityRef, EventCodec<E>> codecOf,
            BiFunction<ObjectNode, EntityRef, ObjectNode> eventNode) {
        outcome.map(
                accepted -> {
                    n.put("kind", "accepted");
                    n.put("duplicate", accepted.duplicate());
                    ArrayNode events = n.putArray("events");
                    for (AppendedEvent<E> e : accepted.events()) {
                        EncodedEvent encoded = codecOf.apply(e.entity()).encode(e.event());
                        eventNode
                                .apply(events.addObject(), e.entity())
                                .put("sequence", e.sequence())
                                .put("type", encoded.type())
                                .put("schemaVersion", encoded.schemaVersion())
                                .put("payload", encoded.payload());
                    }
                    return n;
                },
                unchanged -> n.put("kind", "unchanged"),
                rejected -> n.put("kind", "rejected")
                        .put("code", rejected.rejection().code())
                        .put("message", rejected.rejection().getMessage()));
    }

    /**
     * The answer to a forwarded command once its decision completes: the outcome written by {@code write}, or – when
     * the decision failed or its outcome cannot be written – a {@link Failure#FAILED} reply with the cause's message.
     */
    static <O> CompletableFuture<byte[]> answer(CompletableFuture<O> decision, Function<O, byte[]> write) {
        return decision.handle((o, error) -> {
            if (error == null) {
                try {
                    return write.apply(o);
                } catch (RuntimeException e) {
                    error = e;
                }
            }
            return failure(Failure.FAILED, String.valueOf(CommandRouting.cause(error)));
        });
    }

    /** The reply of an answer whose kind is a failure ({@code unrouted}, {@code failed}); empty for an outcome. */
    static <S, E> Optional<Reply<S, E>> failureReply(JsonNode n, String kind) {
        if (!kind.equals("unrouted") && !kind.equals("failed")) {
            return Optional.empty();
        }
        Failure f = kind.equals("unrouted") ? Failure.UNROUTED : Failure.FAILED;
        return Optional.of(
                new Reply<>(Optional.empty(), Optional.of(f), n.path("message").asText()));
    }

    static byte[] failure(Failure failure, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", failure.name().toLowerCase(java.util.Locale.ROOT));
        n.put("message", message);
        return write(n);
    }

    /** The owner's answer: an outcome, or the failure it reported. */
    record Reply<S, E>(Optional<Outcome<S, E>> outcome, Optional<Failure> failure, String message) {}

    static <S, E> Reply<S, E> readReply(byte[] bytes, EntityRef entity, Registration<?, S, E> registration) {
        JsonNode n = read(bytes);
        String kind = text(n, "kind");
        Optional<Reply<S, E>> failed = failureReply(n, kind);
        if (failed.isPresent()) {
            return failed.get();
        }
        long version = n.path("version").asLong();
        S state = stateCodec(registration).decode(binary(n, "state"));
        Outcome<S, E> outcome;
        switch (kind) {
            case "accepted" -> {
                List<AppendedEvent<E>> events = new ArrayList<>();
                for (JsonNode e : n.path("events")) {
                    EncodedEvent encoded = new EncodedEvent(
                            text(e, "type"), e.path("schemaVersion").asInt(), binary(e, "payload"));
                    events.add(new AppendedEvent<>(
                            entity,
                            e.path("sequence").asLong(),
                            registration.eventCodec().decode(encoded)));
                }
                outcome = new Outcome.Accepted<>(
                        entity, events, version, state, n.path("duplicate").asBoolean());
            }
            case "unchanged" -> outcome = new Outcome.Unchanged<>(entity, version, state);
            case "rejected" ->
                outcome = new Outcome.Rejected<>(
                        entity, new ForwardedRejection(text(n, "code"), text(n, "message")), version, state);
            default -> throw new IllegalArgumentException("unknown answer '" + kind + "'");
        }
        return new Reply<>(Optional.of(outcome), Optional.empty(), "");
    }

    static <S> StateCodec<S> stateCodec(Registration<?, S, ?> registration) {
        return registration
                .stateCodec()
                .orElseThrow(() -> new IllegalArgumentException(
                        "category '" + registration.category().value()
                                + "' has no state codec: routed commands answer with the entity's state, so register it with"
                                + " Registration.withStateCodec"));
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' missing");
        }
        return v.asText();
    }

    static byte[] binary(JsonNode n, String field) {
        try {
            return n.path(field).binaryValue();
        } catch (IOException e) {
            throw new IllegalArgumentException("field '" + field + "' is not base64", e);
        }
    }

    static byte[] write(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a routed command or answer: " + e.getMessage(), e);
        }
    }
}
