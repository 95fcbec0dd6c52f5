package dev.verdict.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.RecordedEvent;

/** How an event is shown: one JSON object (stable field names) or one table row. */
final class Events {
    static final String[] COLUMNS = {
        "SEQ", "TIME", "CATEGORY", "ID", "TYPE", "V", "COMMAND", "CORRELATION", "CAUSATION", "PAYLOAD"
    };

    private Events() {}

    static ObjectNode json(RecordedEvent e) {
        ObjectNode o = Output.object()
                .put("sequence", e.sequence())
                .put("storedAt", e.storedAt().toString())
                .put("time", e.time().toString())
                .put("category", e.entity().category().value())
                .put("id", e.entity().id().value())
                .put("type", e.type())
                .put("schemaVersion", e.event().schemaVersion())
                .put("eventId", e.eventId())
                .put("commandId", e.commandId())
                .put("correlationId", e.correlationId());
        if (e.causationId().isPresent()) {
            o.put("causationId", e.causationId().get());
        } else {
            o.putNull("causationId");
        }
        ObjectNode metadata = o.putObject("metadata");
        e.metadata().forEach(metadata::put);
        o.set("payload", Output.payload(e.event().payload()));
        return o;
    }

    static Object[] row(RecordedEvent e) {
        return new Object[] {
            e.sequence(),
            e.time(),
            e.entity().category().value(),
            e.entity().id().value(),
            e.type(),
            e.event().schemaVersion(),
            e.commandId(),
            e.correlationId().equals(e.commandId()) ? "=" : e.correlationId(),
            e.causationId().orElse("-"),
            Output.payloadText(e.event().payload())
        };
    }
}
