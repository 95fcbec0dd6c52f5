package dev.verdict.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.projection.ProjectionFailure;
import dev.verdict.store.DeadLetter;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.nats.NatsDeadLetters;
import io.nats.client.Connection;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code verdict dead-letters retry}: asks the running instances to apply a dead letter's event again, and with {@code
 * --wait} waits for the outcome (a subcommand of {@link DeadLettersCommand}).
 */
@Command(
        name = "retry",
        mixinStandardHelpOptions = true,
        description = "Ask the running instances to apply a dead letter's event again (after a fix): the one that"
                + " holds the event's partition applies it and removes the dead letter, or records the new"
                + " failure; with none running the request waits. See docs/operations.md.")
final class DeadLetterRetryCommand implements Callable<Integer> {
    /** How often {@code --wait} reads the dead letter's entry again. */
    private static final Duration POLL = Duration.ofMillis(200);

    @Mixin
    DeadLettersCommand.Change change;

    @Option(
            names = "--wait",
            paramLabel = "DURATION",
            converter = WaitTime.class,
            description = "Wait up to this long for the outcome (e.g. 30s, 2m, PT1M): exit 0 when applied,"
                    + " 1 with the error when it failed again or is still pending.")
    Duration wait;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        DeadLettersCommand.Common common = change.common;
        try (Connection nc = common.connect.open()) {
            DeadLetter l = change.confirmed(
                    nc,
                    spec.commandLine().getErr(),
                    what -> "Apply the event of the " + what + " again? The running instance holding its partition"
                            + " applies it.",
                    "nothing requested");
            String what = DeadLettersCommand.described(l);
            NatsDeadLetters letters = common.open(nc);
            String id;
            try {
                id = letters.requestRetry(l.stream(), l.projection(), l.sequence())
                        .orElseThrow(() -> CliFailure.notFound("the " + what + " is gone (removed meanwhile)"));
            } catch (ProjectionFailure | EventStoreException e) {
                throw common.connect.failure("cannot request the retry of the " + what, e);
            }
            Outcome outcome = wait == null ? new Outcome("pending", l) : await(letters, l, id);
            report(outcome, what, id);
            if (outcome.status.equals("failed")) {
                throw CliFailure.notFound("the retry of the " + what + " failed again (attempts "
                        + outcome.letter.attempts() + "): " + outcome.letter.detail());
            }
            if (outcome.status.equals("pending") && wait != null) {
                throw CliFailure.notFound("the retry of the " + what + " is still pending after " + wait.toMillis()
                        + " ms: no running instance holding its partition has taken it yet (the request stays)");
            }
            return Verdict.OK;
        }
    }

    /** What became of the request: applied (the dead letter gone), failed (again) or pending. */
    private record Outcome(String status, DeadLetter letter) {}

    private Outcome await(NatsDeadLetters letters, DeadLetter l, String id) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<NatsDeadLetters.RetryState> state;
            try {
                state = letters.retryState(l.stream(), l.projection(), l.sequence());
            } catch (ProjectionFailure | EventStoreException e) {
                throw change.common.connect.failure("cannot read the dead letter", e);
            }
            if (state.isEmpty()) {
                return new Outcome("applied", l);
            }
            if (state.get().lastFailedRequest().equals(Optional.of(id))
                    && !state.get().requestId().equals(Optional.of(id))) {
                return new Outcome("failed", state.get().letter());
            }
            if (System.nanoTime() >= deadline) {
                return new Outcome("pending", state.get().letter());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private void report(Outcome outcome, String what, String id) {
        PrintWriter out = spec.commandLine().getOut();
        if (change.common.output.json) {
            ObjectNode o = DeadLettersCommand.json(outcome.letter);
            o.putObject("retry").put("id", id).put("status", outcome.status);
            Output.printJson(out, o);
        } else if (outcome.status.equals("applied")) {
            out.println("applied the event of the " + what + "; the dead letter is removed");
        } else if (outcome.status.equals("pending") && wait == null) {
            out.println("requested a retry of the " + what + " (request " + id + "): the running instance"
                    + " holding its partition applies it; `verdict dead-letters list` shows it until then"
                    + " (--wait waits for the outcome)");
        }
        out.flush();
    }

    /** A duration as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT30S}). */
    static final class WaitTime implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("pt")) {
                    return positive(Duration.parse(v.toUpperCase(Locale.ROOT)), value);
                }
                if (v.endsWith("ms")) {
                    return positive(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))), value);
                }
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                return positive(
                        switch (v.charAt(v.length() - 1)) {
                            case 's' -> Duration.ofSeconds(n);
                            case 'm' -> Duration.ofMinutes(n);
                            case 'h' -> Duration.ofHours(n);
                            default -> throw new NumberFormatException();
                        },
                        value);
            } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration (e.g. 500ms, 30s, 2m, PT1M)");
            }
        }

        private static Duration positive(Duration d, String value) {
            if (d.isNegative() || d.isZero()) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a positive duration");
            }
            return d;
        }
    }
}
