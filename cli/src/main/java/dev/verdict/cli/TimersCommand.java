package dev.verdict.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.InvalidIdentifier;
import dev.verdict.store.ScheduledTimer;
import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.TimerRef;
import dev.verdict.store.nats.NatsTimers;
import io.nats.client.Connection;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code verdict timers <store> [--owner <o>] [--instance <i>]}: the store's durable timers that have not fired yet
 * ({@link NatsTimers}, stream {@code <store>_timers}); {@code verdict timers cancel <store> <timer-id>} cancels one.
 */
@Command(
        name = "timers",
        mixinStandardHelpOptions = true,
        description = "List a store's durable timers that have not fired yet (stream <store>_timers), by due time:"
                + " owner, instance, name, due and scheduled time. 'timers cancel' cancels one.",
        subcommands = TimersCommand.Cancel.class)
final class TimersCommand implements Callable<Integer> {
    @Mixin
    Connect connect;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "STORE", description = "The store.")
    String store;

    @Option(names = "--owner", paramLabel = "OWNER", description = "Only this owner's (a process manager's name).")
    String owner;

    @Option(
            names = "--instance",
            paramLabel = "INSTANCE",
            description = "Only this instance's (its correlation key); needs --owner.")
    String instance;

    @Override
    public Integer call() throws InterruptedException {
        if (store == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'STORE'");
        }
        if (instance != null && owner == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--instance needs --owner");
        }
        try (Connection nc = connect.open()) {
            NatsTimers timers = open(nc, connect, store);
            List<ScheduledTimer> found;
            try {
                found = owner == null
                        ? timers.listAll()
                        : instance == null ? timers.list(owner) : timers.list(owner, instance);
            } catch (InvalidIdentifier e) {
                throw CliFailure.usage(e.getMessage());
            } catch (EventStoreException e) {
                throw connect.failure("cannot list the timers of store '" + store + "'", e);
            }
            print(found, Instant.now());
            return Verdict.OK;
        }
    }

    /** The store's timers, or exit 1 when the store has none (no timer stream: nothing is created). */
    static NatsTimers open(Connection nc, Connect connect, String store) {
        Stores.Found found = Stores.named(nc, connect, store);
        try {
            return NatsTimers.create(nc, found.config());
        } catch (StoreMisconfigured e) {
            throw CliFailure.notFound("store '" + store + "' has no timers: " + e.getMessage());
        } catch (EventStoreException e) {
            throw connect.failure("cannot open the timers of store '" + store + "'", e);
        }
    }

    private void print(List<ScheduledTimer> found, Instant now) {
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            ObjectNode o = Output.object().put("store", store);
            ArrayNode list = o.putArray("timers");
            found.forEach(t -> list.add(json(t, now)));
            Output.printJson(out, o);
            return;
        }
        if (found.isEmpty()) {
            out.println("no timers" + (owner == null ? "" : " of " + owner + (instance == null ? "" : "/" + instance))
                    + " in store " + store);
            out.flush();
            return;
        }
        Output.Table t = new Output.Table("ID", "OWNER", "INSTANCE", "NAME", "DUE", "SCHEDULED");
        for (ScheduledTimer s : found) {
            t.row(
                    s.ref().id(),
                    s.ref().owner(),
                    s.ref().instance(),
                    s.ref().name(),
                    s.dueAt() + (s.dueAt().isBefore(now) ? " (overdue)" : ""),
                    s.scheduledAt());
        }
        t.print(out);
        out.println(found.size() + " timer(s)");
        out.flush();
    }

    static ObjectNode json(ScheduledTimer t, Instant now) {
        return Output.object()
                .put("id", t.ref().id())
                .put("owner", t.ref().owner())
                .put("instance", t.ref().instance())
                .put("name", t.ref().name())
                .put("dueAt", t.dueAt().toString())
                .put("scheduledAt", t.scheduledAt().toString())
                .put("overdue", t.dueAt().isBefore(now));
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = "Cancel a timer that has not fired yet: it will never fire (its owner never hears of it)."
                    + " Asks first unless --yes.")
    static final class Cancel implements Callable<Integer> {
        @Mixin
        Connect connect;

        @Mixin
        Output output;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "STORE", description = "The store.")
        String store;

        @Parameters(
                index = "1",
                paramLabel = "TIMER-ID",
                description = "The timer's id as 'timers' lists it: <owner>.<instance>.<name>.")
        String timerId;

        @Option(names = "--yes", description = "Do not ask.")
        boolean yes;

        @Override
        public Integer call() throws InterruptedException {
            TimerRef ref = parse(timerId);
            try (Connection nc = connect.open()) {
                NatsTimers timers = open(nc, connect, store);
                ScheduledTimer timer;
                try {
                    timer = timers.find(ref)
                            .orElseThrow(() -> CliFailure.notFound("no timer " + ref + " in store '" + store
                                    + "' (never scheduled, already fired or cancelled)"));
                } catch (EventStoreException e) {
                    throw connect.failure("cannot read timer " + ref, e);
                }
                String what = "timer " + ref + " of store '" + store + "' (due " + timer.dueAt() + ")";
                if (!Output.confirm(
                        spec.commandLine().getErr(),
                        yes,
                        "Cancel the " + what + "? It will never fire: " + ref.owner() + " never hears of it.")) {
                    throw CliFailure.notFound("nothing cancelled");
                }
                boolean cancelled;
                try {
                    cancelled = timers.cancel(ref);
                } catch (EventStoreException e) {
                    throw connect.failure("cannot cancel the " + what, e);
                }
                if (!cancelled) {
                    throw CliFailure.notFound("the " + what + " fired or was cancelled meanwhile: nothing cancelled");
                }
                PrintWriter out = spec.commandLine().getOut();
                if (output.json) {
                    ObjectNode o =
                            json(timer, Instant.now()).put("store", store).put("cancelled", true);
                    Output.printJson(out, o);
                } else {
                    out.println("cancelled the " + what);
                    out.flush();
                }
                return Verdict.OK;
            }
        }

        private TimerRef parse(String id) {
            String[] parts = id.split("\\.", -1);
            if (parts.length != 3) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "'" + id + "' is not a timer id: <owner>.<instance>.<name>");
            }
            try {
                return TimerRef.of(parts[0], parts[1], parts[2]);
            } catch (InvalidIdentifier e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "'" + id + "' is not a timer id: " + e.getMessage());
            }
        }
    }
}
