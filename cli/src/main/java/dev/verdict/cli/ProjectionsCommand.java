package dev.verdict.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.projection.ConsumerNames;
import dev.verdict.projection.Partition;
import dev.verdict.store.nats.NatsDeadLetters;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PriorityGroupState;
import io.nats.client.api.PriorityPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code verdict projections [<store>]}: each projection's consumers, named as {@link ConsumerNames} reads them back
 * – {@code verdict-<projection>} (failover), {@code verdict-<projection>-<i>of<n>} (partitioned), {@code
 * verdict-<projection>[-<i>of<n>]-<8 hex>} (ephemeral, one per instance).
 */
@Command(
        name = "projections",
        mixinStandardHelpOptions = true,
        description = "Show each projection of a store (or of every store): mode, partition, the pinned instance,"
                + " checkpoint (the consumer's acknowledgement floor), lag, pending events and dead letters.")
final class ProjectionsCommand implements Callable<Integer> {
    private static final String DESCRIPTION_PREFIX = "Verdict projection ";

    @Mixin
    Connect connect;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "STORE", description = "Only this store.")
    String store;

    @Option(
            names = "--dead-letter-bucket",
            paramLabel = "BUCKET",
            defaultValue = NatsDeadLetters.DEFAULT_BUCKET,
            description = "The dead-letter bucket (default: ${DEFAULT-VALUE}).")
    String deadLetterBucket;

    /** One projection consumer as read from the server. */
    record Row(
            String store,
            String projection,
            String consumer,
            String mode,
            String partition,
            Optional<String> pinnedId,
            Optional<String> pinnedSince,
            long checkpoint,
            long lastSequence,
            long pending,
            long ackPending,
            long redelivered,
            long deadLetters) {
        /** The projection's events not yet acknowledged: not delivered yet, or delivered and not acknowledged. */
        long lag() {
            return pending + ackPending;
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        try (Connection nc = connect.open()) {
            List<Stores.Found> stores = store == null
                    ? Stores.verdictStores(Stores.streams(nc, connect))
                    : List.of(Stores.named(nc, connect, store));
            Optional<NatsDeadLetters> deadLetters = DeadLettersCommand.existing(nc, connect, deadLetterBucket);
            List<Row> rows = new ArrayList<>();
            for (Stores.Found s : stores) {
                String stream = s.name().value();
                List<ConsumerInfo> consumers;
                try {
                    consumers = nc.jetStreamManagement().getConsumers(stream);
                } catch (IOException | JetStreamApiException e) {
                    throw connect.failure("cannot list the consumers of store '" + stream + "'", e);
                }
                long last = s.info().getStreamState().getLastSequence();
                for (ConsumerInfo c : consumers) {
                    row(stream, c, last, deadLetters).ifPresent(rows::add);
                }
            }
            rows.sort((a, b) -> (a.store() + " " + a.projection() + " " + a.partition())
                    .compareTo(b.store() + " " + b.projection() + " " + b.partition()));
            print(rows);
            return Verdict.OK;
        }
    }

    private Optional<Row> row(String stream, ConsumerInfo c, long last, Optional<NatsDeadLetters> deadLetters) {
        ConsumerConfiguration cfg = c.getConsumerConfiguration();
        String name = c.getName();
        String mode;
        Optional<ConsumerNames.Parsed> parsed;
        if (cfg.getDurable() != null) {
            boolean projection = cfg.getPriorityPolicy() == PriorityPolicy.PinnedClient
                    && cfg.getDescription() != null
                    && cfg.getDescription().startsWith(DESCRIPTION_PREFIX);
            parsed = projection ? ConsumerNames.parseShared(name) : Optional.empty();
            mode = "shared";
        } else {
            parsed = ConsumerNames.parseEphemeral(name);
            mode = "ephemeral";
        }
        if (parsed.isEmpty()) {
            return Optional.empty(); // not a projection's consumer (a reader, another tool's)
        }
        String projection = parsed.get().projection();
        Partition part = parsed.get().partition();
        String partition = part.isWhole() ? "whole" : part.suffix();
        Optional<PriorityGroupState> pin = c.getPriorityGroupStates() == null
                ? Optional.empty()
                : c.getPriorityGroupStates().stream()
                        .filter(g -> g.getPinnedClientId() != null)
                        .findFirst();
        String proj = projection;
        long dead =
                deadLetters.map(d -> (long) d.sequences(stream, proj).size()).orElse(0L);
        return Optional.of(new Row(
                stream,
                projection,
                name,
                mode,
                partition,
                pin.map(PriorityGroupState::getPinnedClientId),
                pin.map(g -> g.getPinnedTime() == null
                        ? "-"
                        : g.getPinnedTime().toInstant().toString()),
                c.getAckFloor().getStreamSequence(),
                last,
                c.getNumPending(),
                c.getNumAckPending(),
                c.getRedelivered(),
                dead));
    }

    private void print(List<Row> rows) {
        if (output.json) {
            ArrayNode list = Output.JSON.createArrayNode();
            for (Row r : rows) {
                ObjectNode o = list.addObject()
                        .put("store", r.store())
                        .put("projection", r.projection())
                        .put("consumer", r.consumer())
                        .put("mode", r.mode())
                        .put("partition", r.partition());
                r.pinnedId().ifPresentOrElse(v -> o.put("pinnedId", v), () -> o.putNull("pinnedId"));
                r.pinnedSince().ifPresentOrElse(v -> o.put("pinnedSince", v), () -> o.putNull("pinnedSince"));
                o.put("checkpoint", r.checkpoint())
                        .put("lastSequence", r.lastSequence())
                        .put("lag", r.lag())
                        .put("pending", r.pending())
                        .put("ackPending", r.ackPending())
                        .put("redelivered", r.redelivered())
                        .put("deadLetters", r.deadLetters());
            }
            Output.printJson(spec.commandLine().getOut(), Output.object().set("projections", list));
            return;
        }
        if (rows.isEmpty()) {
            spec.commandLine()
                    .getOut()
                    .println("no projection consumers" + (store == null ? "" : " on store " + store));
            spec.commandLine().getOut().flush();
            return;
        }
        Output.Table t = new Output.Table(
                "STORE",
                "PROJECTION",
                "MODE",
                "PARTITION",
                "PINNED",
                "SINCE",
                "CHECKPOINT",
                "LAG",
                "PENDING",
                "ACK-PENDING",
                "DEAD-LETTERS");
        for (Row r : rows) {
            t.row(
                    r.store(),
                    r.projection(),
                    r.mode(),
                    r.partition(),
                    r.pinnedId().orElse("-"),
                    r.pinnedSince().orElse("-"),
                    r.checkpoint(),
                    r.lag(),
                    r.pending(),
                    r.ackPending(),
                    r.deadLetters());
        }
        t.print(spec.commandLine().getOut());
    }
}
