package dev.verdict.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.projection.ProjectionFailure;
import dev.verdict.store.DeadLetter;
import dev.verdict.store.EventDecodingFailed;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsDeadLetters;
import dev.verdict.store.nats.NatsRecordedEvents;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code verdict dead-letters list|show|retry|skip}: the events projections gave up on. */
@Command(
        name = "dead-letters",
        mixinStandardHelpOptions = true,
        description = "The events projections gave up on (the dead-letter bucket).",
        subcommands = {
            DeadLettersCommand.ListLetters.class,
            DeadLettersCommand.Show.class,
            DeadLetterRetryCommand.class,
            DeadLettersCommand.Skip.class
        })
final class DeadLettersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Without a subcommand: wrong usage (exit 2). */
    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "Missing command: list, show, retry or skip");
    }

    /** The options every subcommand shares. */
    static final class Common {
        @Mixin
        Connect connect;

        @Mixin
        Output output;

        @Option(
                names = "--dead-letter-bucket",
                paramLabel = "BUCKET",
                defaultValue = NatsDeadLetters.DEFAULT_BUCKET,
                description = "The dead-letter bucket (default: ${DEFAULT-VALUE}).")
        String bucket;

        /** The bucket, or exit 1 when it does not exist (nothing is created). */
        NatsDeadLetters open(Connection nc) {
            return existing(nc, connect, bucket)
                    .orElseThrow(() -> CliFailure.notFound("no dead-letter bucket '" + bucket + "' on the server"));
        }
    }

    /** The dead-letter bucket if it exists: never created by the tool (opening reads its status only). */
    static Optional<NatsDeadLetters> existing(Connection nc, Connect connect, String bucket) {
        try {
            nc.keyValueManagement().getStatus(bucket);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10059) {
                return Optional.empty();
            }
            throw connect.failure("cannot read dead-letter bucket '" + bucket + "'", e);
        } catch (IOException e) {
            throw connect.failure("cannot read dead-letter bucket '" + bucket + "'", e);
        }
        try {
            return Optional.of(NatsDeadLetters.open(nc, bucket, 1));
        } catch (ProjectionFailure | EventStoreException e) {
            throw connect.failure("cannot open dead-letter bucket '" + bucket + "'", e);
        }
    }

    static ObjectNode json(DeadLetter l) {
        ObjectNode o = Output.object()
                .put("store", l.stream())
                .put("projection", l.projection())
                .put("sequence", l.sequence())
                .put("subject", l.subject());
        l.eventType().ifPresentOrElse(t -> o.put("eventType", t), () -> o.putNull("eventType"));
        return o.put("reason", l.reason().name())
                .put("detail", l.detail())
                .put("attempts", l.attempts())
                .put("recordedAt", l.recordedAt().toString());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters.")
    static final class ListLetters implements Callable<Integer> {
        @Mixin
        Common common;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "STORE", description = "Only this store's.")
        String store;

        @Option(names = "--projection", paramLabel = "NAME", description = "Only this projection's.")
        String projection;

        @Override
        public Integer call() throws InterruptedException {
            try (Connection nc = common.connect.open()) {
                if (store != null) {
                    Stores.named(nc, common.connect, store);
                }
                Optional<NatsDeadLetters> letters = existing(nc, common.connect, common.bucket);
                List<DeadLetter> all;
                try {
                    all = letters.map(NatsDeadLetters::listAll).orElse(List.of()).stream()
                            .filter(l -> store == null || l.stream().equals(store))
                            .filter(l -> projection == null || l.projection().equals(projection))
                            .toList();
                } catch (ProjectionFailure | EventStoreException e) {
                    throw common.connect.failure("cannot list dead letters", e);
                }
                PrintWriter out = spec.commandLine().getOut();
                if (common.output.json) {
                    ObjectNode o = Output.object();
                    ArrayNode list = o.putArray("deadLetters");
                    all.forEach(l -> list.add(json(l)));
                    Output.printJson(out, o);
                } else if (all.isEmpty()) {
                    out.println("no dead letters");
                    out.flush();
                } else {
                    Output.Table t = new Output.Table(
                            "STORE",
                            "PROJECTION",
                            "SEQ",
                            "SUBJECT",
                            "TYPE",
                            "REASON",
                            "ATTEMPTS",
                            "RECORDED",
                            "DETAIL");
                    for (DeadLetter l : all) {
                        t.row(
                                l.stream(),
                                l.projection(),
                                l.sequence(),
                                l.subject(),
                                l.eventType().orElse("-"),
                                l.reason(),
                                l.attempts(),
                                l.recordedAt(),
                                l.detail());
                    }
                    t.print(out);
                }
                return Verdict.OK;
            }
        }
    }

    /** The positional arguments naming one dead letter. */
    static final class Letter {
        @Parameters(index = "0", paramLabel = "STORE", description = "The store.")
        String store;

        @Parameters(index = "1", paramLabel = "PROJECTION", description = "The projection.")
        String projection;

        @Parameters(index = "2", paramLabel = "SEQUENCE", description = "The event's stream sequence.")
        long sequence;

        DeadLetter find(Connection nc, Common common) {
            Stores.named(nc, common.connect, store);
            try {
                return common.open(nc)
                        .find(store, projection, sequence)
                        .orElseThrow(() -> CliFailure.notFound(
                                "no dead letter of projection '" + projection + "' at " + store + "#" + sequence));
            } catch (ProjectionFailure | EventStoreException e) {
                throw common.connect.failure("cannot read the dead letter", e);
            }
        }
    }

    /**
     * The arguments and options of a subcommand that changes one dead letter ({@code retry}, {@code skip}): the letter
     * ({@code STORE PROJECTION SEQUENCE}), the common options and {@code --yes}.
     */
    static final class Change {
        @Mixin
        Common common;

        @Mixin
        Letter letter;

        @Option(names = "--yes", description = "Do not ask.")
        boolean yes;

        /**
         * The named dead letter, once the user agreed to the question (or gave {@code --yes}); {@code question} is
         * given the letter as {@link #described} names it. Exit 1 when the letter does not exist, or with {@code
         * refused} when the user said no.
         */
        DeadLetter confirmed(Connection nc, PrintWriter err, Function<String, String> question, String refused) {
            DeadLetter l = letter.find(nc, common);
            if (!Output.confirm(err, yes, question.apply(described(l)))) {
                throw CliFailure.notFound(refused);
            }
            return l;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Show one dead letter and the event it points at.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Common common;

        @Mixin
        Letter letter;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            try (Connection nc = common.connect.open()) {
                DeadLetter l = letter.find(nc, common);
                Optional<RecordedEvent> event = event(nc, common.connect, l);
                PrintWriter out = spec.commandLine().getOut();
                if (common.output.json) {
                    ObjectNode o = json(l);
                    event.ifPresentOrElse(e -> o.set("event", Events.json(e)), () -> o.putNull("event"));
                    Output.printJson(out, o);
                } else {
                    Output.Table t = new Output.Table("FIELD", "VALUE");
                    json(l).fields()
                            .forEachRemaining(
                                    f -> t.row(f.getKey(), f.getValue().asText()));
                    t.print(out);
                    out.println();
                    if (event.isPresent()) {
                        Output.Table e = new Output.Table(Events.COLUMNS);
                        e.row(Events.row(event.get()));
                        e.print(out);
                    } else {
                        out.println("the event is no longer in the stream, or is not a Verdict event");
                        out.flush();
                    }
                }
                return Verdict.OK;
            }
        }

        private static Optional<RecordedEvent> event(Connection nc, Connect connect, DeadLetter l) {
            try {
                MessageInfo info = nc.jetStreamManagement().getMessage(l.stream(), l.sequence());
                return Optional.of(NatsRecordedEvents.fromMessageInfo(StoreName.of(l.stream()), info));
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() == 10037) { // no message found
                    return Optional.empty();
                }
                throw connect.failure("cannot read " + l.stream() + "#" + l.sequence(), e);
            } catch (EventDecodingFailed e) {
                return Optional.empty();
            } catch (IOException e) {
                throw connect.failure("cannot read " + l.stream() + "#" + l.sequence(), e);
            }
        }
    }

    @Command(
            name = "skip",
            mixinStandardHelpOptions = true,
            description = "Remove a dead letter without applying its event (the projection will never apply it)."
                    + " Safe while instances run: see docs/operations.md.")
    static final class Skip implements Callable<Integer> {
        @Mixin
        Change change;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            Common common = change.common;
            try (Connection nc = common.connect.open()) {
                DeadLetter l = change.confirmed(
                        nc,
                        spec.commandLine().getErr(),
                        what -> "Remove the " + what + "? The projection will never apply this event.",
                        "nothing removed");
                String what = described(l);
                try {
                    common.open(nc).remove(l);
                } catch (ProjectionFailure | EventStoreException e) {
                    throw common.connect.failure("cannot remove the " + what, e);
                }
                if (common.output.json) {
                    Output.printJson(spec.commandLine().getOut(), json(l).put("removed", true));
                } else {
                    spec.commandLine().getOut().println("removed the " + what);
                    spec.commandLine().getOut().flush();
                }
                return Verdict.OK;
            }
        }
    }

    /** How the commands that change a dead letter name it when they ask. */
    static String described(DeadLetter l) {
        return "dead letter of projection '" + l.projection() + "' at " + l.stream() + "#" + l.sequence() + " ("
                + l.eventType().orElse("no type") + " on " + l.subject() + ")";
    }
}
