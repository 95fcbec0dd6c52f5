package dev.verdict.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.nats.NatsDeadLetters;
import io.nats.client.Connection;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code verdict stores}: the Verdict stores on the server. */
@Command(
        name = "stores",
        mixinStandardHelpOptions = true,
        description = "List the Verdict stores on the server: subjects, entities, events, bytes, replicas, stream"
                + " identity and the KV buckets that belong to each.")
final class StoresCommand implements Callable<Integer> {
    @Mixin
    Connect connect;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Connection nc = connect.open()) {
            List<StreamInfo> streams = Stores.streams(nc, connect);
            List<Stores.Found> stores = Stores.verdictStores(streams);
            ArrayNode json = Output.JSON.createArrayNode();
            Output.Table table = new Output.Table(
                    "STORE", "SUBJECTS", "ENTITIES", "EVENTS", "BYTES", "REPLICAS", "IDENTITY", "BUCKETS");
            for (Stores.Found store : stores) {
                StreamState state = store.info().getStreamState();
                List<String> buckets = bucketsOf(store.name().value(), stores, streams);
                String subjects =
                        String.join(",", store.info().getConfiguration().getSubjects());
                String identity = store.open(nc).streamIdentity();
                ObjectNode o = json.addObject()
                        .put("store", store.name().value())
                        .put("subjects", subjects)
                        .put("entities", state.getSubjectCount())
                        .put("events", state.getMsgCount())
                        .put("bytes", state.getByteCount())
                        .put("firstSequence", state.getFirstSequence())
                        .put("lastSequence", state.getLastSequence())
                        .put("replicas", store.info().getConfiguration().getReplicas())
                        .put("streamIdentity", identity);
                buckets.forEach(o.putArray("buckets")::add);
                table.row(
                        store.name(),
                        subjects,
                        state.getSubjectCount(),
                        state.getMsgCount(),
                        Output.bytes(state.getByteCount()),
                        store.info().getConfiguration().getReplicas(),
                        identity,
                        buckets.isEmpty() ? "-" : String.join(",", buckets));
            }
            if (output.json) {
                Output.printJson(spec.commandLine().getOut(), Output.object().set("stores", json));
            } else if (table.isEmpty()) {
                spec.commandLine().getOut().println("no Verdict stores on the server");
                spec.commandLine().getOut().flush();
            } else {
                table.print(spec.commandLine().getOut());
            }
            return Verdict.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Verdict.NOT_FOUND;
        }
    }

    /**
     * The KV buckets of a store: those named {@code <store>-…} (snapshots, command index, and what else the store
     * keeps beside it) unless a longer store name claims them ({@code pharmacy-east-snapshots} belongs to store {@code
     * pharmacy-east}, not {@code pharmacy}), and the dead-letter bucket every store shares.
     */
    static List<String> bucketsOf(String store, List<Stores.Found> stores, List<StreamInfo> streams) {
        List<String> buckets = new ArrayList<>();
        for (StreamInfo s : streams) {
            String name = s.getConfiguration().getName();
            boolean shared = name.equals("KV_" + NatsDeadLetters.DEFAULT_BUCKET);
            boolean own = name.startsWith("KV_" + store + "-")
                    && stores.stream()
                            .map(f -> f.name().value())
                            .noneMatch(
                                    other -> other.length() > store.length() && name.startsWith("KV_" + other + "-"));
            if (shared || own) {
                buckets.add(name.substring(3));
            }
        }
        buckets.sort(String::compareTo);
        return buckets;
    }
}
