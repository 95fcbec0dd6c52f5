package dev.verdict.runtime;

import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Something done around every command a {@link CommandRuntime} handles – one entity's ({@link EntityHandle}) or a
 * decision over several ({@link MultiEntityHandle}), blocking or asynchronous: tracing, meters, MDC logging, an audit,
 * an authorization check. Registered with {@link CommandRuntime.Builder#interceptor}; the Spring Boot starter registers
 * its tracing this way.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>{@link #begin} is called once per command, on the thread that called {@code handle} or {@code handleAsync},
 *       before anything is loaded, decided or stored – so a tracer sees the caller's current span as the parent. A
 *       command refused before it starts (an invalid entity id, {@link CommandsInFlightExceeded}) is not intercepted.
 *   <li>The command is handled with the context {@link Interception#context()} returns: an interceptor may add
 *       metadata (e.g. a {@code traceparent}) that every event of the command then carries. It must keep the command
 *       id; a changed command id fails the command with {@code IllegalStateException}, nothing decided or stored.
 *   <li>{@link Interception#end} is called exactly once when the command has ended – with its outcome or its failure
 *       (what {@code handle} throws, or the asynchronous future fails with) and the elapsed time – on the thread that
 *       finished it. Interceptors begin in the order registered and end in the reverse order.
 *   <li>An exception thrown by {@code begin} fails the command before it starts (this is how an authorization check
 *       refuses: nothing decided or stored; interceptors that had begun are ended with that failure). An exception
 *       thrown by {@code end} is logged and does not change the command's outcome.
 * </ul>
 *
 * <pre>{@code
 * CommandRuntime runtime = CommandRuntime.builder(store)
 *         .interceptor(call -> {
 *             MDC.put("commandId", call.context().commandId());
 *             return CommandInterceptor.Interception.of(call.context(), end -> {
 *                 log.info("{} on {}: {} in {}", call.command(), call.category(), end.result(), end.elapsed());
 *                 MDC.remove("commandId");
 *             });
 *         })
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface CommandInterceptor {
    /**
     * A command begins.
     *
     * @return the context to handle the command with, and what to do when it ends
     */
    Interception begin(Call call);

    /**
     * A command about to be handled.
     *
     * @param category the entity's category, or for a decision over several entities the decision's name ({@link
     *     MultiRegistration#name()})
     * @param entities the entities the command is addressed to: one for an {@link EntityHandle}; for a {@link
     *     MultiEntityHandle} those its decider reads
     * @param command the command
     * @param context its context, as the caller gave it (or as the interceptors registered before this one left it)
     */
    record Call(Category category, List<EntityRef> entities, Object command, CommandContext context) {
        public Call {
            Objects.requireNonNull(category, "category");
            entities = List.copyOf(entities);
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(context, "context");
        }
    }

    /**
     * How a command ended: exactly one of {@code outcome} and {@code failure} is present.
     *
     * @param call the command, with the context it was handled with
     * @param result what became of it, as the runtime's metrics name it
     * @param outcome the {@link Outcome} (of one entity or several) – when it did not fail
     * @param failure what {@code handle} threw (the asynchronous future failed with) – when it failed
     * @param elapsed from {@link #begin} to the end
     */
    record End(
            Call call,
            RuntimeMetrics.CommandResult result,
            Optional<Outcome<?, ?>> outcome,
            Optional<Throwable> failure,
            Duration elapsed) {
        public End {
            Objects.requireNonNull(call, "call");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(elapsed, "elapsed");
            if (outcome.isPresent() == failure.isPresent()) {
                throw new IllegalArgumentException("a command ends with an outcome or a failure, not both or neither");
            }
        }
    }

    /** One command's interception: the context to handle it with, and its end. */
    interface Interception {
        /** The context to handle the command with (the call's, or one with metadata added). */
        CommandContext context();

        /** The command ended. Called exactly once. */
        void end(End end);

        /** An interception with this context that calls {@code end} at the end. */
        static Interception of(CommandContext context, Consumer<End> end) {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(end, "end");
            return new Interception() {
                @Override
                public CommandContext context() {
                    return context;
                }

                @Override
                public void end(End ended) {
                    end.accept(ended);
                }
            };
        }
    }
}
