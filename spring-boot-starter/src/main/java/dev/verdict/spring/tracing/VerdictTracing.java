package dev.verdict.spring.tracing;

import dev.verdict.projection.Projection;
import dev.verdict.projection.process.CommandSender;
import dev.verdict.runtime.CommandInterceptor;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.spring.ProjectionDecorator;
import dev.verdict.store.CommandContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Carries traces through the event store with Micrometer Observation: a command's trace context travels in its
 * events' metadata (header {@code Verdict-Meta-traceparent}, W3C Trace Context – or whatever propagation the
 * application's tracer uses), and projections and process managers continue that trace when they apply the event.
 *
 * <ul>
 *   <li>{@link #interceptor} – which the starter registers with the {@code CommandRuntime}, so every command is traced
 *       without the application doing anything – opens an observation {@code verdict.command} (kind PRODUCER, a child
 *       of the current one on the calling thread, e.g. the HTTP request's) around each command and adds its
 *       propagation fields to the command's {@link CommandContext#metadata()} – so every event the command appends
 *       carries it; {@link #withTraceContext} does the same around any code;
 *   <li>{@link #projection} wraps a projection so that each {@code apply} runs in an observation {@code
 *       verdict.projection.apply} (kind CONSUMER) continuing the event's trace; the starter wraps every {@code
 *       VerdictProjection} so (unless {@code verdict.tracing.enabled=false});
 *   <li>{@link #sender} wraps a process manager's {@link CommandSender}: its commands – sent while the projection's
 *       observation is current – carry the trace on into the events they append.
 * </ul>
 *
 * <p>What is observed and propagated is up to the {@link ObservationRegistry}'s handlers: with Spring Boot and a
 * Micrometer Tracing bridge (Brave or OpenTelemetry) on the classpath, spans and W3C {@code traceparent}; without a
 * tracer, no header is written; with {@link ObservationRegistry#NOOP} (what the starter uses when the application has
 * no registry, or with {@code verdict.tracing.enabled=false}), nothing is done at all.
 *
 * <pre>{@code
 * CommandRuntime runtime = CommandRuntime.builder(store).interceptor(tracing.interceptor()).build(); // the starter does this
 * Outcome<Rx, RxEvent> outcome =
 *         prescriptions.handle("rx-42", new Dispense(2), CommandContext.withCommandId(idempotencyKey)); // traced
 * }</pre>
 */
public final class VerdictTracing {
    /** Name of the observation around a command. */
    public static final String COMMAND_OBSERVATION = "verdict.command";
    /** Name of the observation around a projection's apply. */
    public static final String APPLY_OBSERVATION = "verdict.projection.apply";

    private static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
    private static final Pattern METADATA_VALUE = Pattern.compile("[ -~]{0,1024}");

    private final ObservationRegistry registry;

    /** Tracing with the observations of this registry. */
    public VerdictTracing(ObservationRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The registry observations are made with. */
    public ObservationRegistry registry() {
        return registry;
    }

    /**
     * Runs {@code action} inside an observation {@code verdict.command} (tag {@code category}), giving it {@code
     * context} with the observation's propagation fields (e.g. {@code traceparent}) added to its metadata. Fields that
     * are not valid metadata (key: letters, digits, {@code -}; value: at most 1024 printable ASCII characters) are left
     * out. An exception of the action is recorded on the observation and rethrown unchanged.
     */
    public <T> T withTraceContext(CommandContext context, String category, Function<CommandContext, T> action) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(action, "action");
        Map<String, String> carrier = new LinkedHashMap<>();
        Observation observation = start(category, carrier);
        try (Observation.Scope scope = observation.openScope()) {
            return action.apply(withFields(context, carrier));
        } catch (RuntimeException | Error e) {
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    /**
     * An interceptor that handles every command inside an observation {@code verdict.command} (tag {@code category}:
     * the entity's category or the decision's name), started on the thread that called {@code handle} or {@code
     * handleAsync} and stopped when the command ends – with its failure recorded, if it failed. The command's context
     * gets the observation's propagation fields, as with {@link #withTraceContext}.
     */
    public CommandInterceptor interceptor() {
        return call -> {
            Map<String, String> carrier = new LinkedHashMap<>();
            Observation observation = start(call.category().value(), carrier);
            return CommandInterceptor.Interception.of(withFields(call.context(), carrier), end -> {
                end.failure().ifPresent(observation::error);
                observation.stop();
            });
        };
    }

    /** Starts an observation {@code verdict.command} whose propagation fields go into {@code carrier}. */
    private Observation start(String category, Map<String, String> carrier) {
        SenderContext<Map<String, String>> sender = new SenderContext<>(
                (map, key, value) -> {
                    if (map != null && key != null && value != null) {
                        map.put(key, value);
                    }
                },
                Kind.PRODUCER);
        sender.setCarrier(carrier);
        sender.setRemoteServiceName("nats");
        return Observation.createNotStarted(COMMAND_OBSERVATION, () -> sender, registry)
                .contextualName("verdict command " + category)
                .lowCardinalityKeyValue("category", category)
                .start();
    }

    /**
     * Handles the command through the handle inside an observation {@code verdict.command}: the events it appends carry
     * the trace context in their metadata. Same outcome and exceptions as {@link EntityHandle#handle(String, Object,
     * CommandContext)}.
     *
     * @deprecated a runtime with {@link #interceptor()} (the starter registers it) traces every command: call the handle
     *     directly; through this method the command gets two observations
     */
    @Deprecated(since = "0.3", forRemoval = true)
    public <C, S, E> Outcome<S, E> handle(EntityHandle<C, S, E> handle, String id, C command, CommandContext context) {
        Objects.requireNonNull(handle, "handle");
        return withTraceContext(context, handle.category().value(), traced -> handle.handle(id, command, traced));
    }

    /**
     * A sender that sends each command inside an observation {@code verdict.command} continuing the current trace
     * (within a traced projection: the event's), so the command's events carry it on. Not needed when the sender calls
     * a handle of a runtime with {@link #interceptor()} (the starter's): that command is traced already.
     */
    public <C> CommandSender<C> sender(CommandSender<C> sender) {
        Objects.requireNonNull(sender, "sender");
        return (target, command, context) ->
                withTraceContext(context, target.category().value(), traced -> {
                    sender.send(target, command, traced);
                    return null;
                });
    }

    /** The projection, applying each event inside an observation that continues the event's trace. */
    public <E> Projection<E> projection(Projection<E> projection) {
        return new TracedProjection<>(projection, registry);
    }

    /** {@link #projection} as a decorator for the starter's runners. */
    public ProjectionDecorator decorator() {
        return new ProjectionDecorator() {
            @Override
            public <E> Projection<E> decorate(Projection<E> projection) {
                return projection(projection);
            }
        };
    }

    private static CommandContext withFields(CommandContext context, Map<String, String> fields) {
        CommandContext traced = context;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (METADATA_KEY.matcher(field.getKey()).matches()
                    && METADATA_VALUE.matcher(field.getValue()).matches()) {
                traced = traced.withMetadata(field.getKey(), field.getValue());
            }
        }
        return traced;
    }
}
