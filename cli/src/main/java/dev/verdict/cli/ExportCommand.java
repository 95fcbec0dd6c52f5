package dev.verdict.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.Category;
import dev.verdict.store.capture.CapturedMessage;
import dev.verdict.store.capture.HistoryCapture;
import dev.verdict.store.nats.StreamCapture;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageGetRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code verdict export <store> --to <file>}: a {@link HistoryCapture} of the store (the format of the history
 * compatibility check), taken by {@link StreamCapture} and written by {@link HistoryCapture#write(Path)}.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Write a store's history (or part of it) to a file in the capture format of the history"
                + " compatibility check (JSON lines), with the captured entities' snapshots, then print a summary.")
final class ExportCommand implements Callable<Integer> {
    @Mixin
    Connect connect;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STORE", description = "The store.")
    String store;

    @Option(names = "--to", required = true, paramLabel = "FILE", description = "The file to write.")
    Path to;

    @Option(names = "--category", paramLabel = "CATEGORY", description = "Only this category (repeatable).")
    List<String> categories = List.of();

    @Option(
            names = "--since",
            paramLabel = "SEQUENCE|INSTANT",
            description = "Only events from this stream sequence, or stored from this ISO-8601 instant on.")
    String since;

    @Option(names = "--max-entities", paramLabel = "N", description = "Only the first N entities of the selection.")
    Integer maxEntities;

    @Option(names = "--command-index", description = "Also capture the command-index entries of the commands.")
    boolean commandIndex;

    @Option(names = "--no-snapshots", description = "Do not capture the entities' snapshots.")
    boolean noSnapshots;

    @Option(
            names = "--progress",
            negatable = true,
            description = "Show a progress bar on standard error (default: when it is a terminal).")
    Boolean progress;

    @Option(names = "--yes", description = "Overwrite an existing file without asking.")
    boolean yes;

    @Override
    public Integer call() throws InterruptedException {
        if (maxEntities != null && maxEntities < 1) {
            throw CliFailure.usage("--max-entities must be at least 1");
        }
        Category[] selected = categories.stream().map(TailCommand::category).toArray(Category[]::new);
        PrintWriter err = spec.commandLine().getErr();
        try (Connection nc = connect.open()) {
            Stores.Found found = Stores.named(nc, connect, store);
            long last = found.info().getStreamState().getLastSequence();
            long from = since == null ? 1 : fromSequence(nc, found.name().value(), since, last);
            if (Files.exists(to) && !Output.confirm(err, yes, "Overwrite " + to + "?")) {
                throw CliFailure.notFound("nothing written: " + to + " exists");
            }
            StreamCapture capture = StreamCapture.of(nc, found.config())
                    .categories(selected)
                    .snapshots(!noSnapshots)
                    .commandIndex(commandIndex)
                    .sequences(from, Math.max(from, last));
            if (maxEntities != null) {
                capture.maxEntities(maxEntities);
            }
            long started = System.nanoTime();
            err.println("exporting " + store + " sequences " + from + ".." + last + " to " + to + "...");
            err.flush();
            ProgressBar bar = new ProgressBar(err, from, last);
            if (progress != null ? progress : System.console() != null) {
                capture.progress(bar::readUpTo);
            }
            HistoryCapture taken;
            try {
                taken = capture.capture();
            } catch (IOException | IllegalStateException e) {
                throw connect.failure("cannot read store '" + store + "'", e);
            } finally {
                bar.done();
            }
            write(taken);
            summary(taken, Duration.ofNanos(System.nanoTime() - started));
            return Verdict.OK;
        }
    }

    private void write(HistoryCapture taken) {
        try {
            Path dir = to.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path partial = Files.createTempFile(dir, ".verdict-export-", ".partial");
            try {
                taken.write(partial);
                Files.move(partial, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new CliFailure(Verdict.NOT_FOUND, "cannot write " + to + ": " + e.getMessage());
        }
    }

    private void summary(HistoryCapture taken, Duration took) {
        List<CapturedMessage> messages = taken.messages();
        long entities =
                messages.stream().map(CapturedMessage::subject).distinct().count();
        long bytes;
        try {
            bytes = Files.size(to);
        } catch (IOException e) {
            bytes = -1;
        }
        ObjectNode o = Output.object()
                .put("store", store)
                .put("file", to.toString())
                .put("events", messages.size())
                .put("entities", entities)
                .put("keyValues", taken.keyValues().size())
                .put("streamIdentity", taken.header().streamIdentity())
                .put("bytes", bytes)
                .put("millis", took.toMillis());
        if (messages.isEmpty()) {
            o.putNull("firstSequence").putNull("lastSequence");
        } else {
            o.put("firstSequence", messages.get(0).sequence())
                    .put("lastSequence", messages.get(messages.size() - 1).sequence());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            Output.printJson(out, o);
        } else {
            out.println("exported " + messages.size() + " event(s) of " + entities + " entit"
                    + (entities == 1 ? "y" : "ies")
                    + (messages.isEmpty()
                            ? ""
                            : " (sequences " + messages.get(0).sequence() + ".."
                                    + messages.get(messages.size() - 1).sequence() + ")")
                    + " and " + taken.keyValues().size() + " KV entr"
                    + (taken.keyValues().size() == 1 ? "y" : "ies")
                    + " to " + to + " (" + Output.bytes(Math.max(0, bytes)) + ", " + took.toMillis() + " ms)");
            out.flush();
        }
    }

    private long fromSequence(Connection nc, String stream, String value, long last) {
        if (value.matches("\\d{1,19}")) {
            long sequence = Long.parseLong(value);
            if (sequence < 1) {
                throw CliFailure.usage("--since: a sequence starts at 1");
            }
            return sequence;
        }
        Instant at;
        try {
            at = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw CliFailure.usage("--since takes a stream sequence or an ISO-8601 instant such as"
                    + " 2026-12-07T14:29:00Z, not '" + value + "'");
        }
        try {
            return nc.jetStreamManagement()
                    .getMessage(stream, MessageGetRequest.firstForStartTime(at.atZone(ZoneOffset.UTC)))
                    .getSeq();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10037) {
                return last + 1; // nothing stored since then
            }
            throw connect.failure("cannot find the first event since " + value, e);
        } catch (IOException e) {
            throw connect.failure("cannot find the first event since " + value, e);
        }
    }
}
