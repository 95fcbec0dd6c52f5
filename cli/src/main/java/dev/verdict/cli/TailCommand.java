package dev.verdict.cli;

import dev.verdict.store.Category;
import dev.verdict.store.EventDecodingFailed;
import dev.verdict.store.EventSubject;
import dev.verdict.store.InvalidIdentifier;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsRecordedEvents;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code verdict tail <store>}: follows new events live. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = "Follow a store's new events live (Ctrl-C stops), on an ordered consumer that changes nothing"
                + " on the server. With --json: one JSON object per line.")
final class TailCommand implements Callable<Integer> {
    @Mixin
    Connect connect;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STORE", description = "The store, e.g. pharmacy.")
    String store;

    @Option(names = "--category", paramLabel = "CATEGORY", description = "Only this category's events (repeatable).")
    List<String> categories = List.of();

    @Option(
            names = "--from",
            paramLabel = "SEQUENCE",
            description = "Start at this stream sequence instead of the next new event.")
    Long from;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
    Long count;

    @Override
    public Integer call() throws InterruptedException {
        if (from != null && from < 1) {
            throw CliFailure.usage("--from: a sequence starts at 1");
        }
        if (count != null && count < 1) {
            throw CliFailure.usage("--count must be at least 1");
        }
        try (Connection nc = connect.open()) {
            StoreName name = Stores.named(nc, connect, store).name();
            List<String> filters = categories.isEmpty()
                    ? List.of(EventSubject.wholeStoreFilter(name))
                    : categories.stream()
                            .map(c -> EventSubject.categoryFilter(name, category(c)))
                            .toList();
            OrderedConsumerConfiguration occ = new OrderedConsumerConfiguration().filterSubjects(filters);
            if (from == null) {
                occ.deliverPolicy(DeliverPolicy.New);
            } else {
                occ.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(from);
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (IterableConsumer consumer =
                    nc.getStreamContext(name.value()).createOrderedConsumer(occ).iterate()) {
                err.println("following " + String.join(", ", filters) + (from == null ? "" : " from sequence " + from)
                        + " (Ctrl-C to stop)");
                err.flush();
                long seen = 0;
                while (count == null || seen < count) {
                    Message m = consumer.nextMessage(Duration.ofSeconds(1));
                    if (m == null) {
                        if (nc.getStatus() != Connection.Status.CONNECTED) {
                            throw CliFailure.unreachable("lost the connection to " + Secrets.redact(connect.server));
                        }
                        continue;
                    }
                    print(out, name, m);
                    seen++;
                }
            } catch (IOException | JetStreamApiException e) {
                throw connect.failure("cannot follow store '" + store + "'", e);
            } catch (Exception e) {
                if (e instanceof CliFailure f) {
                    throw f;
                }
                throw connect.failure("cannot follow store '" + store + "'", e);
            }
            return Verdict.OK;
        }
    }

    static Category category(String value) {
        try {
            return Category.of(value);
        } catch (InvalidIdentifier e) {
            throw CliFailure.usage(e.getMessage());
        }
    }

    private void print(PrintWriter out, StoreName name, Message m) {
        RecordedEvent e;
        try {
            e = NatsRecordedEvents.fromMessage(name, m);
        } catch (EventDecodingFailed | InvalidIdentifier x) {
            out.println("# not a Verdict event at sequence " + m.metaData().streamSequence() + ": " + x.getMessage());
            out.flush();
            return;
        }
        if (output.json) {
            Output.printJsonLine(out, Events.json(e));
        } else {
            Object[] cells = Events.row(e);
            StringBuilder b = new StringBuilder();
            for (Object c : cells) {
                b.append(b.length() == 0 ? "" : "  ").append(c);
            }
            out.println(b);
            out.flush();
        }
    }
}
