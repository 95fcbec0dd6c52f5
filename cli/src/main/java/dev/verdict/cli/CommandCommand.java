package dev.verdict.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.CommandRecord;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.nats.NatsCommandIndex;
import dev.verdict.store.nats.NatsEventStore;
import io.nats.client.Connection;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code verdict command <store> <command-id>}: what the command index remembers of a command. */
@Command(
        name = "command",
        mixinStandardHelpOptions = true,
        description = "Show the command index's record of a command id: entity, outcome, the events it stored and"
                + " when (the index keeps a command for the store's command retention, 7 days by default).")
final class CommandCommand implements Callable<Integer> {
    @Mixin
    Connect connect;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STORE", description = "The store.")
    String store;

    @Parameters(index = "1", paramLabel = "COMMAND-ID", description = "The command id.")
    String commandId;

    @Override
    public Integer call() throws InterruptedException {
        try (Connection nc = connect.open()) {
            Stores.Found found = Stores.named(nc, connect, store);
            NatsCommandIndex index;
            try {
                index = NatsCommandIndex.create(nc, found.config());
            } catch (StoreMisconfigured e) {
                throw CliFailure.notFound("store '" + store + "' has no command index: " + e.getMessage());
            }
            CommandRecord record = find(index)
                    .orElseThrow(() -> CliFailure.notFound("command '" + commandId
                            + "' is not in the command index of store '" + store + "' (never seen, or older than its"
                            + " retention)"));
            NatsEventStore events = found.open(nc);
            List<RecordedEvent> stored = new ArrayList<>();
            boolean sameStream = record.streamIdentity().equals(events.streamIdentity());
            if (record instanceof CommandRecord.Appended a) {
                // also on a recreated stream (other identity): only events that carry this command id are shown
                events.read(a.entity(), ReadRange.after(a.firstSequence() - 1).upToSequence(a.lastSequence()), e -> {
                    if (e.commandId().equals(commandId)) {
                        stored.add(e);
                    }
                });
            }
            print(record, sameStream, stored);
            return Verdict.OK;
        }
    }

    private Optional<CommandRecord> find(NatsCommandIndex index) throws InterruptedException {
        try {
            return index.find(commandId).get(Stores.REQUEST_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EventStoreException failure) {
                throw connect.refusal()
                        .map(r -> CliFailure.unreachable(
                                "cannot look up command '" + commandId + "': the server refused: " + r))
                        .orElseGet(() -> connect.failure("cannot look up command '" + commandId + "'", failure));
            }
            throw connect.failure("cannot look up command '" + commandId + "'", e);
        } catch (TimeoutException e) {
            throw connect.failure("cannot look up command '" + commandId + "'", e);
        }
    }

    private void print(CommandRecord record, boolean sameStream, List<RecordedEvent> stored) {
        ObjectNode o = Output.object()
                .put("store", store)
                .put("commandId", record.commandId())
                .put("category", record.entity().category().value())
                .put("id", record.entity().id().value())
                .put("outcome", outcome(record))
                .put("streamIdentity", record.streamIdentity())
                .put("sameStream", sameStream);
        if (record instanceof CommandRecord.Appended a) {
            o.put("firstSequence", a.firstSequence()).put("lastSequence", a.lastSequence());
        } else if (record instanceof CommandRecord.Unchanged u) {
            o.put("version", u.version());
        } else if (record instanceof CommandRecord.Rejected r) {
            o.put("version", r.version()).put("code", r.code()).put("message", r.message());
        }
        if (stored.isEmpty()) {
            o.putNull("at");
        } else {
            o.put("at", stored.get(0).storedAt().toString());
        }
        ArrayNode list = o.putArray("events");
        stored.forEach(e -> list.addObject()
                .put("sequence", e.sequence())
                .put("type", e.type())
                .put("time", e.time().toString()));
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            Output.printJson(out, o);
            return;
        }
        Output.Table t = new Output.Table("FIELD", "VALUE");
        o.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("events")) {
                t.row(f.getKey(), f.getValue().isNull() ? "-" : f.getValue().asText());
            }
        });
        t.print(out);
        if (!stored.isEmpty()) {
            out.println();
            Output.Table e = new Output.Table(Events.COLUMNS);
            stored.forEach(x -> e.row(Events.row(x)));
            e.print(out);
        }
        out.flush();
    }

    static String outcome(CommandRecord record) {
        if (record instanceof CommandRecord.Appended) {
            return "appended";
        }
        return record instanceof CommandRecord.Unchanged ? "unchanged" : "rejected";
    }
}
