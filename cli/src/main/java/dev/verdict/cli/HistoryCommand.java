package dev.verdict.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.InvalidIdentifier;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.nats.NatsEventStore;
import io.nats.client.Connection;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code verdict history <store> <category> <id>}: an entity's events in order. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = "Show an entity's events in order: sequence, time, type, schema version, command, correlation"
                + " and causation ids, payload (as stored: encrypted personal data stays encrypted).")
final class HistoryCommand implements Callable<Integer> {
    @Mixin
    Connect connect;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STORE", description = "The store, e.g. pharmacy.")
    String store;

    @Parameters(index = "1", paramLabel = "CATEGORY", description = "The entity's category, e.g. prescription.")
    String category;

    @Parameters(index = "2", paramLabel = "ID", description = "The entity's id, e.g. rx-42.")
    String id;

    @Option(
            names = "--as-of",
            paramLabel = "SEQUENCE|INSTANT",
            description = "Only the events up to this stream sequence, or stored up to this instant"
                    + " (ISO-8601, e.g. 2026-12-07T14:29:00Z).")
    String asOf;

    @Override
    public Integer call() throws InterruptedException {
        EntityRef entity;
        try {
            entity = EntityRef.of(category, id);
        } catch (InvalidIdentifier e) {
            throw CliFailure.usage(e.getMessage());
        }
        ReadRange range = range(asOf);
        try (Connection nc = connect.open()) {
            NatsEventStore events = Stores.named(nc, connect, store).open(nc);
            List<RecordedEvent> read = new ArrayList<>();
            try {
                events.read(entity, range, read::add);
                if (read.isEmpty() && events.version(entity) == 0) {
                    throw CliFailure.notFound("no events of " + entity + " in store '" + store + "'");
                }
            } catch (EventStoreUnavailable e) {
                throw connect.refusal()
                        .map(r -> CliFailure.unreachable("cannot read " + entity + ": the server refused: " + r))
                        .orElseGet(() -> CliFailure.unreachable(e.getMessage()));
            } catch (EventStoreException e) {
                throw connect.refusal()
                        .map(r -> CliFailure.unreachable("cannot read " + entity + ": the server refused: " + r))
                        .orElseGet(() -> new CliFailure(Verdict.NOT_FOUND, e.getMessage()));
            }
            if (output.json) {
                ObjectNode o = Output.object()
                        .put("store", store)
                        .put("category", entity.category().value())
                        .put("id", entity.id().value());
                if (asOf != null) {
                    o.put("asOf", asOf);
                } else {
                    o.putNull("asOf");
                }
                ArrayNode list = o.putArray("events");
                read.forEach(e -> list.add(Events.json(e)));
                Output.printJson(spec.commandLine().getOut(), o);
            } else {
                Output.Table table = new Output.Table(Events.COLUMNS);
                read.forEach(e -> table.row(Events.row(e)));
                table.print(spec.commandLine().getOut());
                spec.commandLine()
                        .getOut()
                        .println(read.size() + " event(s) of " + entity + (asOf == null ? "" : " as of " + asOf));
                spec.commandLine().getOut().flush();
            }
            return Verdict.OK;
        }
    }

    static ReadRange range(String asOf) {
        if (asOf == null) {
            return ReadRange.all();
        }
        if (asOf.matches("\\d{1,19}")) {
            long sequence = Long.parseLong(asOf);
            if (sequence < 1) {
                throw CliFailure.usage("--as-of: a sequence starts at 1");
            }
            return ReadRange.all().upToSequence(sequence);
        }
        try {
            return ReadRange.all().asOf(Instant.parse(asOf));
        } catch (DateTimeParseException e) {
            throw CliFailure.usage("--as-of takes a stream sequence or an ISO-8601 instant such as"
                    + " 2026-12-07T14:29:00Z, not '" + asOf + "'");
        }
    }
}
