package dev.verdict.runtime;

import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the runtime does around every command, in one place for both handles and both ways of handling: the {@link
 * CommandInterceptor}s registered with the runtime, and its {@link RuntimeMetrics}' {@code commandHandled}.
 */
final class Interceptors {
    private static final Logger LOG = LoggerFactory.getLogger(Interceptors.class);

    private final List<CommandInterceptor> interceptors;
    private final RuntimeMetrics metrics;

    Interceptors(List<CommandInterceptor> interceptors, RuntimeMetrics metrics) {
        this.interceptors = List.copyOf(interceptors);
        this.metrics = metrics;
    }

    /**
     * A command begins: every interceptor in order. When one throws, those that had begun are ended with its failure
     * (and the metrics count a failed command), and the failure is thrown: the command does not start.
     */
    Running begin(Category category, List<EntityRef> entities, Object command, CommandContext context) {
        Running running = new Running(category, context, System.nanoTime());
        if (interceptors.isEmpty()) {
            return running;
        }
        running.interceptions = new ArrayList<>(interceptors.size());
        running.calls = new ArrayList<>(interceptors.size());
        try {
            for (CommandInterceptor interceptor : interceptors) {
                CommandInterceptor.Call call =
                        new CommandInterceptor.Call(category, entities, command, running.context);
                CommandInterceptor.Interception interception = interceptor.begin(call);
                if (interception == null) {
                    throw new IllegalStateException("the command interceptor " + interceptor + " returned null");
                }
                running.interceptions.add(interception);
                running.calls.add(call);
                CommandContext next = interception.context();
                if (next == null || !next.commandId().equals(running.context.commandId())) {
                    throw new IllegalStateException("the command interceptor " + interceptor + " changed the command id"
                            + " from '" + running.context.commandId() + "' to "
                            + (next == null ? "null" : "'" + next.commandId() + "'") + ": nothing was decided");
                }
                running.context = next;
            }
        } catch (RuntimeException | Error e) {
            running.end(null, e);
            throw e;
        }
        return running;
    }

    /** One command between its begin and its end. */
    final class Running {
        private final Category category;
        private final long start;
        private CommandContext context;
        private List<CommandInterceptor.Interception> interceptions = List.of();
        private List<CommandInterceptor.Call> calls = List.of();

        private Running(Category category, CommandContext context, long start) {
            this.category = category;
            this.context = context;
            this.start = start;
        }

        /** The context to handle the command with, as the interceptors left it. */
        CommandContext context() {
            return context;
        }

        /** The command ended with {@code outcome} or {@code failure}: metrics, then interceptors in reverse order. */
        void end(Outcome<?, ?> outcome, Throwable failure) {
            RuntimeMetrics.CommandResult result = resultOf(outcome, failure);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            try {
                metrics.commandHandled(category, result, elapsed);
            } catch (RuntimeException e) {
                LOG.warn("metrics failed for a command on {} (the command is unaffected)", category, e);
            }
            for (int i = interceptions.size() - 1; i >= 0; i--) {
                CommandInterceptor.Call call = calls.get(i);
                try {
                    interceptions
                            .get(i)
                            .end(new CommandInterceptor.End(
                                    new CommandInterceptor.Call(
                                            call.category(), call.entities(), call.command(), context),
                                    result,
                                    Optional.ofNullable(outcome),
                                    Optional.ofNullable(failure),
                                    elapsed));
                } catch (RuntimeException e) {
                    LOG.warn("a command interceptor failed at the end of a command on {} (unaffected)", category, e);
                }
            }
        }
    }

    private static RuntimeMetrics.CommandResult resultOf(Outcome<?, ?> outcome, Throwable failure) {
        if (failure != null) {
            return failure instanceof ConflictRetriesExhausted
                    ? RuntimeMetrics.CommandResult.RETRIES_EXHAUSTED
                    : RuntimeMetrics.CommandResult.FAILED;
        }
        if (outcome instanceof Outcome.Accepted<?, ?> accepted) {
            return accepted.duplicate()
                    ? RuntimeMetrics.CommandResult.DUPLICATE
                    : RuntimeMetrics.CommandResult.ACCEPTED;
        }
        if (outcome instanceof Outcome.Unchanged<?, ?>) {
            return RuntimeMetrics.CommandResult.UNCHANGED;
        }
        return RuntimeMetrics.CommandResult.REJECTED;
    }
}
