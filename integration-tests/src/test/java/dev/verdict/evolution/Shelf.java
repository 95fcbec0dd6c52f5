package dev.verdict.evolution;

import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.codec.EventType;
import dev.verdict.store.codec.EventUpcaster;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.UpcastEvent;
import dev.verdict.store.codec.Upcaster;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The test domain of upcasting: a shelf's stock level. Its history was written by an older release: {@code Received}
 * version 1 had no lot, {@code Adjusted} (retired) meant "received and counted" and is split in two, {@code Reserved}
 * (retired) means nothing now and is dropped.
 */
record Shelf(int level) {
    sealed interface Command permits Receive, Take {}

    record Receive(int amount) implements Command {}

    record Take(int amount) implements Command {}

    sealed interface Event permits Received, Counted, Taken {}

    @EventType(value = "Received", version = 2)
    record Received(int amount, String lot) implements Event {}

    record Counted(int counted) implements Event {}

    record Taken(int amount) implements Event {}

    static final class Short extends DomainRejection {
        private static final long serialVersionUID = 1L;

        Short(int level) {
            super("shelf.short", "only " + level + " on the shelf");
        }
    }

    static final JsonEventCodec<Event> EVENTS = JsonEventCodec.builder(Event.class)
            .upcaster(Upcaster.of("Received", 1, json -> json.put("lot", "none")))
            .upcaster(EventUpcaster.split(
                    "Adjusted",
                    1,
                    json -> List.of(
                            new UpcastEvent("Received", 1, json.deepCopy().retain("amount")),
                            new UpcastEvent("Counted", 1, json.retain("counted")))))
            .upcaster(EventUpcaster.drop("Reserved", 1))
            .build();

    static final Decider<Command, Shelf, Event> DECIDER =
            Decider.of(new Shelf(0), Shelf::decide, Shelf::evolve, s -> false);

    static List<Event> decide(Command command, Shelf shelf) {
        if (command instanceof Receive r) {
            return List.of(new Received(r.amount(), "L"));
        }
        Take take = (Take) command;
        if (shelf.level < take.amount()) {
            throw new Short(shelf.level);
        }
        return List.of(new Taken(take.amount()));
    }

    static Shelf evolve(Shelf shelf, Event event) {
        if (event instanceof Received r) {
            return new Shelf(shelf.level + r.amount());
        }
        if (event instanceof Counted c) {
            return new Shelf(c.counted());
        }
        return new Shelf(shelf.level - ((Taken) event).amount());
    }

    static EncodedEvent stored(String type, int version, String json) {
        return new EncodedEvent(type, version, json.getBytes(StandardCharsets.UTF_8));
    }

    /** The old release's history of one shelf: level 5, then adjusted (+3, counted 10), a reservation, +1 – level 11. */
    static final List<EncodedEvent> OLD_HISTORY = List.of(
            stored("Received", 1, "{\"amount\":5}"),
            stored("Adjusted", 1, "{\"amount\":3,\"counted\":10}"),
            stored("Reserved", 1, "{\"amount\":2}"),
            stored("Received", 2, "{\"amount\":1,\"lot\":\"L\"}"));

    /** The current events {@link #OLD_HISTORY} stands for, in order. */
    static final List<Event> CURRENT_HISTORY =
            List.of(new Received(5, "none"), new Received(3, "none"), new Counted(10), new Received(1, "L"));
}
