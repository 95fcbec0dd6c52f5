package dev.verdict.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.runtime.AppendedEvent;
import dev.verdict.runtime.Outcome;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StateCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The JSON of the answer to a forwarded decision over several entities: every entity read with its version, the
 * combined state (the application's state codec) and the events, each with its entity (that entity's event codec).
 * Failures are {@link RouteWire#failure}'s.
 */
final class MultiRouteWire {
    private MultiRouteWire() {}

    static <S, E> byte[] outcome(
            Outcome<S, E> outcome, StateCodec<S> states, Function<EntityRef, EventCodec<E>> events) {
        ObjectNode n = RouteWire.JSON.createObjectNode();
        ArrayNode versions = n.putArray("versions");
        outcome.versions()
                .forEach((entity, version) ->
                        entity(versions.addObject(), entity).put("version", version));
        n.put("state", states.encode(outcome.state()));
        RouteWire.writeKind(n, outcome, events, MultiRouteWire::entity);
        return RouteWire.write(n);
    }

    static <S, E> RouteWire.Reply<S, E> readReply(
            byte[] bytes, StateCodec<S> states, Function<EntityRef, EventCodec<E>> events) {
        JsonNode n = RouteWire.read(bytes);
        String kind = RouteWire.text(n, "kind");
        Optional<RouteWire.Reply<S, E>> failed = RouteWire.failureReply(n, kind);
        if (failed.isPresent()) {
            return failed.get();
        }
        Map<EntityRef, Long> versions = new LinkedHashMap<>();
        for (JsonNode v : n.path("versions")) {
            versions.put(entity(v), v.path("version").asLong());
        }
        S state = states.decode(RouteWire.binary(n, "state"));
        Outcome<S, E> outcome;
        switch (kind) {
            case "accepted" -> {
                List<AppendedEvent<E>> list = new ArrayList<>();
                for (JsonNode e : n.path("events")) {
                    EntityRef entity = entity(e);
                    EncodedEvent encoded = new EncodedEvent(
                            RouteWire.text(e, "type"), e.path("schemaVersion").asInt(), RouteWire.binary(e, "payload"));
                    list.add(new AppendedEvent<>(
                            entity,
                            e.path("sequence").asLong(),
                            events.apply(entity).decode(encoded)));
                }
                outcome = new Outcome.Accepted<>(
                        list, versions, state, n.path("duplicate").asBoolean());
            }
            case "unchanged" -> outcome = new Outcome.Unchanged<>(versions, state);
            case "rejected" ->
                outcome = new Outcome.Rejected<>(
                        new ForwardedRejection(RouteWire.text(n, "code"), RouteWire.text(n, "message")),
                        versions,
                        state);
            default -> throw new IllegalArgumentException("unknown answer '" + kind + "'");
        }
        return new RouteWire.Reply<>(Optional.of(outcome), Optional.empty(), "");
    }

    private static ObjectNode entity(ObjectNode n, EntityRef entity) {
        return n.put("category", entity.category().value())
                .put("id", entity.id().value());
    }

    private static EntityRef entity(JsonNode n) {
        return EntityRef.of(RouteWire.text(n, "category"), RouteWire.text(n, "id"));
    }
}
