package dev.verdict.projection.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.decider.Process;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionFailure;
import dev.verdict.projection.ProjectionUnavailable;
import dev.verdict.store.CommandContext;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StateCodec;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Hosts a pure {@link Process} (process manager, saga) as a {@link Projection}: run it with a durable {@link
 * ProjectionRunner} and it reacts to each event by sending commands through a {@link CommandSender}.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li><b>Deterministic command ids.</b> The command at index {@code i} of the reaction to event {@code eventId} has
 *       the id {@code <process>-<eventId>-<i>} (a SHA-256 form when longer than {@value CommandContext#MAX_ID_LENGTH}
 *       characters), is correlated with the event's correlation id and caused by the event id. A redelivered event
 *       produces the same ids, so the runtime's deduplication ({@code Nats-Msg-Id = <commandId>:<index>}) stores its
 *       effect once within the stream's duplicate window.
 *   <li><b>Own checkpoint.</b> After all commands of an event were sent, the process state and the event's sequence
 *       are written to the KV bucket {@value #BUCKET} under the process name (with the state codec's fingerprint).
 *       Events at or below that checkpoint are skipped, so redeliveries older than the duplicate window do not send
 *       anything either. Only a crash between sending and checkpointing re-sends, and then with the same ids.
 *   <li><b>Safe rebuild.</b> {@link #reset()} keeps the old checkpoint as a "quiet" mark: during a rebuild, events up
 *       to it only evolve the state and send nothing again.
 * </ul>
 *
 * <pre>{@code
 * ProcessProjection<PrescriptionEvent, Set<String>, InventoryCommand> host = ProcessProjection.of(
 *         connection, "reserve-on-verify", reserveOnVerify, stateCodec,
 *         command -> EntityRef.of("stock", command.drug()),
 *         (target, command, context) -> inventory.handle(target, command, context));
 * ProjectionRunner.builder(connection, filter, codec, reader, host).build().start();
 * }</pre>
 *
 * @param <E> the events it observes
 * @param <S> its state
 * @param <C> the commands it issues
 */
public final class ProcessProjection<E, S, C> implements Projection<E> {
    /** The KV bucket holding every hosted process's state and checkpoint. */
    public static final String BUCKET = "verdict-process-state";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process<E, S, C> process;
    private final StateCodec<S> stateCodec;
    private final CommandRouter<C> router;
    private final CommandSender<C> sender;
    private final KeyValue kv;

    private volatile S state;
    private volatile long checkpoint = -1;
    private long quietUntil;

    private ProcessProjection(
            String name,
            Process<E, S, C> process,
            StateCodec<S> stateCodec,
            CommandRouter<C> router,
            CommandSender<C> sender,
            KeyValue kv) {
        this.name = name;
        this.process = process;
        this.stateCodec = stateCodec;
        this.router = router;
        this.sender = sender;
        this.kv = kv;
    }

    /**
     * A host for the process, keeping its state in the {@value #BUCKET} bucket (created if missing).
     *
     * @param name the process's name: one subject token; names its consumer and its KV key
     */
    public static <E, S, C> ProcessProjection<E, S, C> of(
            Connection connection,
            String name,
            Process<E, S, C> process,
            StateCodec<S> stateCodec,
            CommandRouter<C> router,
            CommandSender<C> sender) {
        dev.verdict.store.EntityId.of(Objects.requireNonNull(name, "name"));
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(stateCodec, "stateCodec");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(sender, "sender");
        return new ProcessProjection<>(name, process, stateCodec, router, sender, bucket(connection));
    }

    @Override
    public String name() {
        return name;
    }

    /** The process's state after the last event it handled. */
    public synchronized S state() {
        load();
        return state;
    }

    @Override
    public synchronized OptionalLong checkpoint() {
        load();
        return OptionalLong.of(checkpoint);
    }

    @Override
    public synchronized void apply(DeliveredEvent<E> delivered) {
        load();
        if (delivered.sequence() <= checkpoint) {
            return;
        }
        E event = delivered.event();
        if (delivered.sequence() > quietUntil) {
            List<C> commands = process.react(state, event);
            for (int i = 0; i < commands.size(); i++) {
                C command = commands.get(i);
                sender.send(router.target(command), command, contextFor(delivered.recorded(), i));
            }
        }
        S next = process.evolve(state, event);
        store(next, delivered.sequence());
        state = next;
        checkpoint = delivered.sequence();
    }

    /** Replaying a dead letter reacts to it (with its deterministic ids) without moving the checkpoint. */
    @Override
    public synchronized void applyOutOfOrder(DeliveredEvent<E> delivered) {
        load();
        List<C> commands = process.react(state, delivered.event());
        for (int i = 0; i < commands.size(); i++) {
            C command = commands.get(i);
            sender.send(router.target(command), command, contextFor(delivered.recorded(), i));
        }
        S next = process.evolve(state, delivered.event());
        store(next, checkpoint);
        state = next;
    }

    /** Starts the state over; events up to the old checkpoint will evolve the state without sending commands. */
    @Override
    public synchronized void reset() {
        load();
        quietUntil = Math.max(quietUntil, checkpoint);
        state = process.initialState();
        checkpoint = 0;
        store(state, 0);
    }

    /** The context of the command at {@code index} of the reaction to the event: ids derived from the event id. */
    public CommandContext contextFor(RecordedEvent trigger, int index) {
        String id = name + "-" + trigger.eventId() + "-" + index;
        if (id.length() > CommandContext.MAX_ID_LENGTH || !id.matches("[\\x21-\\x7E]+")) {
            id = name.substring(0, Math.min(name.length(), 64)) + "-" + sha256(id);
        }
        return new CommandContext(id, trigger.correlationId(), Optional.of(trigger.eventId()), Map.of());
    }

    private void load() {
        if (checkpoint >= 0) {
            return;
        }
        try {
            KeyValueEntry entry = kv.get(name);
            if (entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
                state = process.initialState();
                checkpoint = 0;
                return;
            }
            JsonNode n = JSON.readTree(entry.getValue());
            String fingerprint = n.path("fingerprint").asText();
            if (!fingerprint.equals(stateCodec.fingerprint())) {
                throw new ProjectionFailure("stored state of process '" + name + "' has fingerprint '" + fingerprint
                        + "' but the state codec's is '" + stateCodec.fingerprint()
                        + "': the state's shape changed; rebuild the process to recompute it");
            }
            state = stateCodec.decode(Base64.getDecoder().decode(n.path("state").asText()));
            checkpoint = n.path("sequence").asLong();
            quietUntil = n.path("quietUntil").asLong();
        } catch (IOException | JetStreamApiException e) {
            throw new ProjectionFailure("cannot load the state of process '" + name + "': " + e.getMessage(), e);
        }
    }

    private void store(S newState, long sequence) {
        ObjectNode n = JSON.createObjectNode();
        n.put("sequence", sequence);
        n.put("quietUntil", quietUntil);
        n.put("fingerprint", stateCodec.fingerprint());
        n.put("state", Base64.getEncoder().encodeToString(stateCodec.encode(newState)));
        try {
            kv.put(name, JSON.writeValueAsBytes(n));
        } catch (IOException | JetStreamApiException e) {
            throw new ProjectionUnavailable(
                    "cannot store the state of process '" + name + "' at sequence " + sequence, e);
        }
    }

    private static KeyValue bucket(Connection connection) {
        try {
            KeyValueManagement kvm = connection.keyValueManagement();
            if (!kvm.getBucketNames().contains(BUCKET)) {
                try {
                    kvm.create(KeyValueConfiguration.builder()
                            .name(BUCKET)
                            .maxHistoryPerKey(1)
                            .storageType(StorageType.File)
                            .description("Verdict process managers: state and checkpoint")
                            .build());
                } catch (JetStreamApiException e) {
                    if (!kvm.getBucketNames().contains(BUCKET)) {
                        throw e;
                    }
                }
            }
            return connection.keyValue(BUCKET);
        } catch (IOException | JetStreamApiException e) {
            throw new ProjectionFailure("cannot open the process state bucket: " + e.getMessage(), e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
