package dev.verdict.projection.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.decider.DomainRejection;
import dev.verdict.decider.Process;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionFailure;
import dev.verdict.projection.ProjectionUnavailable;
import dev.verdict.projection.internal.KvBuckets;
import dev.verdict.runtime.ConflictRetriesExhausted;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StateCodec;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts a pure {@link Process} (process manager, saga) as a {@link Projection}: run it with a durable {@link
 * dev.verdict.projection.ProjectionRunner} and it reacts to each event by sending commands through a {@link
 * CommandSender}. Every instance of a service may host the same process: the instances share its state and
 * checkpoint in NATS KV.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li><b>Deterministic command ids.</b> The command at index {@code i} of the reaction to event {@code eventId} has
 *       the id {@code <process>-<eventId>-<i>} (a SHA-256 form when longer than {@value CommandContext#MAX_ID_LENGTH}
 *       characters), is correlated with the event's correlation id and caused by the event id. A redelivered event, or
 *       the same event applied by another instance, produces the same ids, and the Verdict runtime stores a command id
 *       once: a second send is answered as a duplicate ({@code Nats-Msg-Id = <commandId>:<index>}, deduplicated by
 *       the server within the target stream's duplicate window; the runtime also recognises a re-sent id among the
 *       entity's recent events it has folded). A {@link CommandSender} of your own must be idempotent per command id
 *       in the same way.
 *   <li><b>Own checkpoint, written by compare-and-set.</b> After all commands of an event were sent, the process
 *       state and the event's sequence are written to the KV bucket {@value #BUCKET} under the process name (with the
 *       state codec's fingerprint) – with {@code update(key, value, revision)} on the revision read or written last
 *       ({@code create} when the key was never written), never a blind put. When another instance wrote first, the
 *       entry is read again: if its checkpoint is at or past the event, that instance applied it (and sent the same
 *       command ids): {@link #apply} returns without a second effect; otherwise the event is applied again on the
 *       state read. Events at or below the checkpoint are skipped, so redeliveries older than the duplicate window
 *       send nothing. Only a crash (or a concurrent instance) between sending and checkpointing re-sends, and then
 *       with the same ids.
 *   <li><b>{@link #checkpoint()} reads the stored entry every time</b>, so an instance that becomes active resumes
 *       after what any instance stored. The entry is read from the bucket stream's leader, never from a replica that
 *       may lag (a KV {@code get} is a direct get, which any nearly current replica may answer).
 *   <li><b>Outages are retried, never dead-lettered.</b> A command that fails because the store is unavailable
 *       ({@link EventStoreUnavailable}: the outcome is unknown), because the runtime's conflict retries were exhausted
 *       ({@link ConflictRetriesExhausted}), or because the sender itself throws {@link ProjectionUnavailable}, and a
 *       KV read or write that fails, make {@link #apply} throw {@link ProjectionUnavailable}: the runner retries the
 *       event until the store answers, with the same command ids. Any other exception of the sender is a failure of
 *       the event (retried, then dead-lettered by the runner).
 *   <li><b>Rejections are the process's business.</b> A {@link DomainRejection} thrown by the sender is the target's
 *       answer, as is the runtime's {@link dev.verdict.runtime.Outcome.Rejected} (which {@link CommandSender#via}
 *       reports by returning normally): it is logged at WARN and the reaction goes on; it is never retried.
 *   <li><b>Safe rebuild.</b> {@link #reset()} keeps the old checkpoint as a "quiet" mark (written by compare-and-set
 *       too): during a rebuild, events up to it only evolve the state and send nothing again. An instance that is
 *       still applying events when another instance resets the process does not write over the rebuild: it waits
 *       ({@link ProjectionUnavailable}) until the rebuilt checkpoint reaches its event, then skips it.
 * </ul>
 *
 * <p>One checkpoint per process: the host assumes it sees the process's events in one stream order, so run it on one
 * (failover) consumer, not split into partitions – a partition's checkpoint would make another partition skip its
 * earlier events.
 *
 * <pre>{@code
 * ProcessProjection<PrescriptionEvent, Set<String>, InventoryCommand> host = ProcessProjection.builder(
 *                 connection, "reserve-on-verify", reserveOnVerify, stateCodec,
 *                 command -> EntityRef.of("stock", command.drug()),
 *                 CommandSender.via(stockHandle))
 *         .replicas(3)                                // as many as the store's stream: R3 on a cluster
 *         .build();
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

    private static final String IDENTITY_KEY = ".stream-identity";

    private static final Logger LOG = LoggerFactory.getLogger(ProcessProjection.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** KV {@code create}/{@code update} refused: the entry's revision is not the expected one. */
    private static final int WRONG_LAST_SEQUENCE = 10071;
    /** The same, as some clustered servers answer it. */
    private static final int WRONG_LAST_SEQUENCE_CLUSTERED = 10164;
    /** A stream message get found nothing: the key was never written. */
    private static final int NO_MESSAGE_FOUND = 10037;
    /** The JetStream API prefix of the connection's default JetStream context (which {@code keyValue} uses too). */
    private static final String JS_API = "$JS.API.";
    /** Applications of one event on a freshly read state before {@link #apply} hands the retry to the runner. */
    private static final int CAS_ATTEMPTS = 5;

    private final String name;
    private final Process<E, S, C> process;
    private final StateCodec<S> stateCodec;
    private final CommandRouter<C> router;
    private final CommandSender<C> sender;
    private final KeyValue kv;
    private final Connection connection;

    /** The entry as this instance read or wrote it last; {@code null} until first read. */
    private Stored<S> stored;
    /**
     * The highest checkpoint this instance has seen stored since it last took its position from storage ({@link
     * #checkpoint()}) or reset the process: a stored checkpoint below it means another instance reset the process.
     */
    private long seenHigh;

    /** One KV entry: the state after {@code sequence}, the quiet mark, and the entry's revision (0: never written). */
    private record Stored<S>(S state, long sequence, long quietUntil, long revision) {}

    private ProcessProjection(
            String name,
            Process<E, S, C> process,
            StateCodec<S> stateCodec,
            CommandRouter<C> router,
            CommandSender<C> sender,
            Connection connection,
            KeyValue kv) {
        this.name = name;
        this.connection = connection;
        this.process = process;
        this.stateCodec = stateCodec;
        this.router = router;
        this.sender = sender;
        this.kv = kv;
    }

    /**
     * A host for the process, keeping its state in the {@value #BUCKET} bucket (created with one replica if missing;
     * an existing bucket is used as it is). On a cluster use {@link #builder} with the store's replica count.
     *
     * @param name the process's name: one subject token; names its consumer and its KV key
     * @throws ProjectionFailure when the bucket cannot be opened or created
     */
    public static <E, S, C> ProcessProjection<E, S, C> of(
            Connection connection,
            String name,
            Process<E, S, C> process,
            StateCodec<S> stateCodec,
            CommandRouter<C> router,
            CommandSender<C> sender) {
        return builder(connection, name, process, stateCodec, router, sender).build();
    }

    /**
     * A builder of a host for the process; {@link Builder#build()} opens the bucket.
     *
     * @param name the process's name: one subject token; names its consumer and its KV key
     * @throws dev.verdict.store.InvalidIdentifier when the name is not one subject token
     */
    public static <E, S, C> Builder<E, S, C> builder(
            Connection connection,
            String name,
            Process<E, S, C> process,
            StateCodec<S> stateCodec,
            CommandRouter<C> router,
            CommandSender<C> sender) {
        return new Builder<>(connection, name, process, stateCodec, router, sender);
    }

    /**
     * Options of a {@link ProcessProjection}.
     *
     * @param <E> the events it observes
     * @param <S> its state
     * @param <C> the commands it issues
     */
    public static final class Builder<E, S, C> {
        private final Connection connection;
        private final String name;
        private final Process<E, S, C> process;
        private final StateCodec<S> stateCodec;
        private final CommandRouter<C> router;
        private final CommandSender<C> sender;
        private int replicas = 1;

        private Builder(
                Connection connection,
                String name,
                Process<E, S, C> process,
                StateCodec<S> stateCodec,
                CommandRouter<C> router,
                CommandSender<C> sender) {
            this.connection = Objects.requireNonNull(connection, "connection");
            dev.verdict.store.EntityId.of(Objects.requireNonNull(name, "name"));
            this.name = name;
            this.process = Objects.requireNonNull(process, "process");
            this.stateCodec = Objects.requireNonNull(stateCodec, "stateCodec");
            this.router = Objects.requireNonNull(router, "router");
            this.sender = Objects.requireNonNull(sender, "sender");
        }

        /**
         * Replicas of the {@value #BUCKET} bucket: the replica count of the store the process serves (3 on an R3
         * cluster). Default 1. The bucket is created with it, or an existing bucket with fewer replicas is raised to
         * it (if the server refuses, it is used as it is and a warning is logged).
         *
         * @throws IllegalArgumentException when not 1..5
         */
        public Builder<E, S, C> replicas(int replicas) {
            this.replicas = KvBuckets.requireReplicas(replicas);
            return this;
        }

        /**
         * Replicas of the {@value #BUCKET} bucket: those of the event stream {@code stream}.
         *
         * @throws ProjectionFailure when the stream's configuration cannot be read
         */
        public Builder<E, S, C> replicasOfStream(String stream) {
            Objects.requireNonNull(stream, "stream");
            try {
                return replicas(KvBuckets.replicasOf(connection, stream));
            } catch (IOException | JetStreamApiException e) {
                throw new ProjectionFailure(
                        "cannot read the replica count of stream '" + stream + "': " + e.getMessage(), e);
            }
        }

        /**
         * Opens (creating if needed) the bucket and returns the host.
         *
         * @throws ProjectionFailure when the bucket cannot be opened or created
         */
        public ProcessProjection<E, S, C> build() {
            KeyValue kv;
            try {
                kv = KvBuckets.open(connection, BUCKET, "Verdict process managers: state and checkpoint", replicas);
            } catch (IOException | JetStreamApiException e) {
                throw new ProjectionFailure("cannot open the process state bucket: " + e.getMessage(), e);
            }
            return new ProcessProjection<>(name, process, stateCodec, router, sender, connection, kv);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The process's state after the last event it handled, as stored (read from the bucket).
     *
     * @throws ProjectionUnavailable when the bucket cannot be read
     */
    public synchronized S state() {
        return observe(read()).state();
    }

    /**
     * The stored checkpoint, read from the bucket on every call (another instance may have moved it); this instance
     * takes it as its position.
     *
     * @throws ProjectionUnavailable when the bucket cannot be read
     */
    @Override
    public synchronized OptionalLong checkpoint() {
        Stored<S> current = read();
        stored = current;
        seenHigh = current.sequence();
        return OptionalLong.of(current.sequence());
    }

    /**
     * Reacts to the event (unless it is at or below the stored checkpoint, or at or below the quiet mark of a
     * rebuild), then writes the evolved state and the event's sequence by compare-and-set. See the class comment for
     * what happens when another instance applies the same event.
     *
     * @throws ProjectionUnavailable when the store or the bucket is unavailable, the runtime's conflict retries were
     *     exhausted, or another instance is rebuilding the process: retry the same event later
     */
    @Override
    public synchronized void apply(DeliveredEvent<E> delivered) {
        applyMessage(List.of(delivered));
    }

    /**
     * Applies the events one stored message at a time: the events of a message that upcasting split (they share its
     * sequence) are reacted to and evolved in order with one write, their commands numbered as one reaction.
     */
    @Override
    public synchronized void applyBatch(List<DeliveredEvent<E>> events) {
        int from = 0;
        while (from < events.size()) {
            int to = from + 1;
            while (to < events.size()
                    && events.get(to).sequence() == events.get(from).sequence()) {
                to++;
            }
            applyMessage(events.subList(from, to));
            from = to;
        }
    }

    private void applyMessage(List<DeliveredEvent<E>> message) {
        DeliveredEvent<E> delivered = message.get(0);
        long sequence = delivered.sequence();
        Stored<S> current = stored == null ? observe(read()) : stored;
        for (int attempt = 1; ; attempt++) {
            if (sequence <= current.sequence()) {
                return; // applied already, by this instance or another one
            }
            if (current.sequence() < seenHigh) {
                // the stored checkpoint went back: another instance reset the process and replays it; writing this
                // event's effect over its early state would corrupt the rebuild: wait until the rebuild passes it
                current = observe(read());
                if (sequence <= current.sequence()) {
                    return;
                }
                if (current.sequence() < seenHigh) {
                    throw new ProjectionUnavailable(
                            "process '" + name + "' is being rebuilt by another instance (stored checkpoint "
                                    + current.sequence() + ", this instance had seen " + seenHigh
                                    + "); waiting for the rebuild to pass sequence " + sequence,
                            null);
                }
            }
            boolean reacting = sequence > current.quietUntil();
            List<C> commands = new ArrayList<>();
            S next = current.state();
            for (DeliveredEvent<E> event : message) {
                if (reacting) {
                    commands.addAll(process.react(next, event.event()));
                }
                next = process.evolve(next, event.event());
            }
            if (reacting) {
                send(commands, delivered.recorded());
            }
            Optional<Stored<S>> written = write(current, next, sequence, current.quietUntil());
            if (written.isPresent()) {
                observe(written.get());
                return;
            }
            // another instance wrote first: read what it wrote and decide again
            current = observe(read());
            if (sequence <= current.sequence()) {
                LOG.debug("process '{}': sequence {} was applied by another instance", name, sequence);
                return;
            }
            if (attempt >= CAS_ATTEMPTS) {
                throw new ProjectionUnavailable(
                        "process '" + name + "': the state was written concurrently " + attempt
                                + " times while applying sequence " + sequence + "; retrying later",
                        null);
            }
        }
    }

    /**
     * Replaying a dead letter reacts to it (with its deterministic ids) and evolves the state without moving the
     * checkpoint; the write is a compare-and-set like {@link #apply}'s.
     *
     * @throws ProjectionUnavailable as {@link #apply} does
     */
    @Override
    public synchronized void applyOutOfOrder(DeliveredEvent<E> delivered) {
        Stored<S> current = observe(read());
        for (int attempt = 1; ; attempt++) {
            send(process.react(current.state(), delivered.event()), delivered.recorded());
            S next = process.evolve(current.state(), delivered.event());
            Optional<Stored<S>> written = write(current, next, current.sequence(), current.quietUntil());
            if (written.isPresent()) {
                observe(written.get());
                return;
            }
            current = observe(read());
            if (attempt >= CAS_ATTEMPTS) {
                throw new ProjectionUnavailable(
                        "process '" + name + "': the state was written concurrently " + attempt
                                + " times while replaying sequence " + delivered.sequence() + "; retrying later",
                        null);
            }
        }
    }

    /**
     * Starts the state over, by compare-and-set: the checkpoint goes back to 0 and the old checkpoint becomes the quiet
     * mark (the higher of the two is kept), so events up to it will evolve the state without sending commands again.
     *
     * @throws ProjectionUnavailable when the bucket is unavailable or keeps being written concurrently
     */
    @Override
    public synchronized void reset() {
        startOver(true);
    }

    /**
     * Starts the state over for a stream that was deleted and created again: unlike {@link #reset()} there is no quiet
     * mark – the new stream's events are new, so the process reacts to every one of them.
     */
    @Override
    public synchronized void resetForNewStream() {
        startOver(false);
    }

    /** Writes the initial state at checkpoint 0, with the old checkpoint as the quiet mark or with none. */
    private void startOver(boolean keepQuietMark) {
        for (int attempt = 1; ; attempt++) {
            Stored<S> current = read();
            long quiet = keepQuietMark ? Math.max(current.quietUntil(), current.sequence()) : 0;
            Optional<Stored<S>> written = write(current, process.initialState(), 0, quiet);
            if (written.isPresent()) {
                stored = written.get();
                seenHigh = 0;
                return;
            }
            if (attempt >= CAS_ATTEMPTS) {
                throw new ProjectionUnavailable(
                        "process '" + name + "': the state was written concurrently " + attempt
                                + " times while resetting it; retrying later",
                        null);
            }
        }
    }

    /** The identity of the stream the state was made from, kept under the key {@code <name>.stream-identity}. */
    @Override
    public Optional<String> streamIdentity() {
        try {
            KeyValueEntry entry = kv.get(name + IDENTITY_KEY);
            return entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null
                    ? Optional.empty()
                    : Optional.of(new String(entry.getValue(), StandardCharsets.UTF_8));
        } catch (IOException | JetStreamApiException e) {
            throw new ProjectionUnavailable("cannot read the stream identity of process '" + name + "'", e);
        }
    }

    @Override
    public void recordStreamIdentity(String identity) {
        try {
            kv.put(name + IDENTITY_KEY, identity.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | JetStreamApiException e) {
            throw new ProjectionUnavailable("cannot record the stream identity of process '" + name + "'", e);
        }
    }

    /** The context of the command at {@code index} of the reaction to the event: ids derived from the event id. */
    public CommandContext contextFor(RecordedEvent trigger, int index) {
        String id = name + "-" + trigger.eventId() + "-" + index;
        if (id.length() > CommandContext.MAX_ID_LENGTH || !id.matches("[\\x21-\\x7E]+")) {
            id = name.substring(0, Math.min(name.length(), 64)) + "-" + sha256(id);
        }
        return new CommandContext(id, trigger.correlationId(), Optional.of(trigger.eventId()), Map.of());
    }

    private void send(List<C> commands, RecordedEvent trigger) {
        for (int i = 0; i < commands.size(); i++) {
            C command = commands.get(i);
            EntityRef target = router.target(command);
            CommandContext context = contextFor(trigger, i);
            try {
                sender.send(target, command, context);
            } catch (DomainRejection rejection) {
                LOG.warn(
                        "process '{}': {} refused command {} ({}) in reaction to sequence {}: {} ({})",
                        name,
                        target,
                        context.commandId(),
                        command,
                        trigger.sequence(),
                        rejection.code(),
                        rejection.getMessage());
            } catch (ProjectionUnavailable e) {
                throw e;
            } catch (RuntimeException e) {
                if (isOutage(e)) {
                    throw new ProjectionUnavailable(
                            "process '" + name + "': command " + context.commandId() + " to " + target
                                    + " could not be stored now (" + e + "); the event will be retried with the same"
                                    + " command ids",
                            e);
                }
                throw e;
            }
        }
    }

    /** An outage of the target store, or conflicts that outlasted the runtime's retries: not the event's fault. */
    private static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EventStoreUnavailable
                    || t instanceof ConflictRetriesExhausted
                    || t instanceof ProjectionUnavailable) {
                return true;
            }
        }
        return false;
    }

    /** Remembers the entry as the latest this instance knows, and its checkpoint as seen. */
    private Stored<S> observe(Stored<S> entry) {
        stored = entry;
        seenHigh = Math.max(seenHigh, entry.sequence());
        return entry;
    }

    /** The entry as the stream leader has it (never a lagging replica's copy). */
    private Stored<S> read() {
        KeyValueEntry entry = readFromLeader();
        if (entry == null) {
            return new Stored<>(process.initialState(), 0, 0, 0);
        }
        if (entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
            // deleted or purged: start from nothing, but write over that marker's revision
            return new Stored<>(process.initialState(), 0, 0, entry.getRevision());
        }
        JsonNode n;
        try {
            n = JSON.readTree(entry.getValue());
        } catch (IOException e) {
            throw new ProjectionFailure("stored state of process '" + name + "' is not readable: " + e.getMessage(), e);
        }
        String fingerprint = n.path("fingerprint").asText();
        if (!fingerprint.equals(stateCodec.fingerprint())) {
            throw new ProjectionFailure("stored state of process '" + name + "' has fingerprint '" + fingerprint
                    + "' but the state codec's is '" + stateCodec.fingerprint()
                    + "': the state's shape changed; rebuild the process to recompute it");
        }
        S state = stateCodec.decode(Base64.getDecoder().decode(n.path("state").asText()));
        return new Stored<>(
                state, n.path("sequence").asLong(), n.path("quietUntil").asLong(), entry.getRevision());
    }

    /**
     * Reads the key's last entry with {@code $JS.API.STREAM.MSG.GET}, which the stream leader answers: a KV {@code
     * get} is a direct get, which any replica that is nearly current may answer (not read-after-write on R3), and the
     * state a process reacts on must be the latest written.
     *
     * @return the entry, or {@code null} when the key was never written
     */
    private KeyValueEntry readFromLeader() {
        String stream = "KV_" + BUCKET;
        byte[] request = ("{\"last_by_subj\":\"$KV." + BUCKET + "." + name + "\"}").getBytes(StandardCharsets.UTF_8);
        Duration timeout = connection.getOptions().getConnectionTimeout();
        Message reply;
        try {
            reply = connection
                    .requestWithTimeout(JS_API + "STREAM.MSG.GET." + stream, request, timeout)
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            throw new ProjectionUnavailable("cannot read the state of process '" + name + "': " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProjectionUnavailable("interrupted while reading the state of process '" + name + "'", e);
        }
        MessageInfo info = new MessageInfo(reply, stream, false);
        if (info.hasError()) {
            if (info.getApiErrorCode() == NO_MESSAGE_FOUND) {
                return null;
            }
            throw new ProjectionUnavailable(
                    "cannot read the state of process '" + name + "': " + info.getError(),
                    new JetStreamApiException(info.getErrorObject()));
        }
        return new KeyValueEntry(info);
    }

    /**
     * Writes the entry if it is still at {@code base}'s revision; empty when another instance wrote first.
     *
     * @throws ProjectionUnavailable when the bucket does not answer
     */
    private Optional<Stored<S>> write(Stored<S> base, S newState, long sequence, long quietUntil) {
        ObjectNode n = JSON.createObjectNode();
        n.put("sequence", sequence);
        n.put("quietUntil", quietUntil);
        n.put("fingerprint", stateCodec.fingerprint());
        n.put("state", Base64.getEncoder().encodeToString(stateCodec.encode(newState)));
        byte[] value;
        try {
            value = JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the state entry of process '" + name + "'", e);
        }
        try {
            long revision = base.revision() == 0 ? kv.create(name, value) : kv.update(name, value, base.revision());
            return Optional.of(new Stored<>(newState, sequence, quietUntil, revision));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE || e.getApiErrorCode() == WRONG_LAST_SEQUENCE_CLUSTERED) {
                return Optional.empty();
            }
            throw new ProjectionUnavailable(
                    "cannot store the state of process '" + name + "' at sequence " + sequence + ": " + e.getMessage(),
                    e);
        } catch (IOException e) {
            throw new ProjectionUnavailable(
                    "cannot store the state of process '" + name + "' at sequence " + sequence + ": " + e.getMessage(),
                    e);
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
