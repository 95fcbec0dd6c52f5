package dev.verdict.projection.process;

import dev.verdict.decider.ProcessManager;
import dev.verdict.decider.TimerRequest;
import dev.verdict.projection.CheckpointMoved;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Partition;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionUnavailable;
import dev.verdict.projection.process.ProcessEntries.Instance;
import dev.verdict.projection.process.ProcessEntries.Position;
import dev.verdict.store.CommandContext;
import dev.verdict.store.ProcessStates;
import dev.verdict.store.ProcessStates.Checkpoint;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StateCodec;
import dev.verdict.store.TimerFired;
import dev.verdict.store.Timers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Hosts a pure {@link ProcessManager} (process manager, saga) as a {@link Projection}: run it with a durable {@link
 * dev.verdict.projection.ProjectionRunner} and it reacts to each event by sending commands through a {@link
 * CommandSender}. Every instance of a service may host the same process: they share its progress in a {@link
 * ProcessStates} store (on NATS {@code NatsProcessStates}, in tests the test kit's {@code InMemoryProcessStates}).
 *
 * <p>What is stored: per partition of the runner a checkpoint (the last event applied, a rebuild's quiet mark and
 * generation), and per process <em>instance</em> ({@link ProcessManager#instancesOf}, e.g. one per prescription) its
 * state and the last event applied to it. An event reads and writes the instances it concerns and its partition's
 * checkpoint – never the other instances – and an instance that {@link ProcessManager#ended ended} is deleted. So the
 * state stored per instance, and the contention on it, do not grow with the number of instances. A process that
 * declares no instances has one, {@value ProcessManager#SINGLE_INSTANCE}. The process may run partitioned like a view
 * ({@link Partition}, each partition with its own checkpoint, failing over between service instances) when every
 * event of an instance is in one partition – e.g. the instance key is the event's entity id; an instance met in two
 * partitions of the same count is a {@link dev.verdict.projection.ProjectionFailure}.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li><b>Deterministic command ids.</b> The command at index {@code i} of the reaction to event {@code eventId} has
 *       the id {@code <process>-<eventId>-<i>} – {@code <process>-<eventId>-<instance>-<i>} when the event concerns
 *       several instances, so their reactions never share an id; the commands of a message that upcasting split are
 *       numbered as one reaction of each instance – (a SHA-256 form when longer than {@value
 *       CommandContext#MAX_ID_LENGTH} characters), correlated with the event's correlation id and caused by the event id. The Verdict runtime stores
 *       a command id once ({@code Nats-Msg-Id}, deduplicated within the target stream's duplicate window, and among
 *       the entity's recent events); a {@link CommandSender} of your own must be idempotent per command id too.
 *   <li><b>Reacts only on a state known current.</b> Before reacting to an event, its partition's checkpoint and its
 *       instances' states are read from the store (from the NATS leader); an event at or below the checkpoint is
 *       never reacted to again. When the runner passes the checkpoint it expects ({@link
 *       DeliveredEvent#expectedCheckpoint()}) and the stored one differs, nothing is sent: {@link CheckpointMoved}
 *       (another service instance took over, or a rebuild started) and the runner resumes after the stored one. When
 *       more than {@link Builder#confirmAfter confirmAfter} passed since that read (the instance was paused, the
 *       sender was slow), it is read again before each further command, and if anything moved nothing more is sent.
 *       After a failed write of the state the retry of the same event does not send again when the entries are as
 *       they were: it only writes. So a command is sent again only when the service instance that sent it died
 *       before its write (then the next one sends it within seconds, with the same ids), never because a paused,
 *       stale or retrying instance reacted on an old state.
 *   <li><b>Writes by compare-and-set.</b> Instance states and checkpoints are written on the revision read, never
 *       blindly; when another service instance wrote first, the entries are read again and the event decided again
 *       (or skipped, if that instance applied it).
 *   <li><b>Outages are retried, never dead-lettered.</b> A command that fails because the target store is
 *       unavailable or its conflict retries were exhausted, a sender that throws {@link ProjectionUnavailable}, and a
 *       process state store that does not answer make {@link #apply} throw {@link ProjectionUnavailable}: the runner
 *       retries the event. Any other exception of the sender is a failure of the event.
 *   <li><b>Rejections are the process's business.</b> A {@link dev.verdict.decider.DomainRejection} from the sender is
 *       logged at WARN and the reaction goes on.
 *   <li><b>Safe rebuild.</b> {@link #reset()} starts every partition's checkpoint over with the old checkpoint as its
 *       quiet mark and a new generation (instance states of the old generation count as absent): during the replay
 *       events up to the mark only evolve states. A service instance still applying events meets the moved
 *       checkpoint ({@link CheckpointMoved}) and its runner resumes from the rebuild's checkpoint – so a rebuild whose
 *       service instance dies is finished by the next one.
 *   <li><b>Timers per instance.</b> With {@link Builder#timers timers}, the timers an instance asks for ({@link
 *       ProcessManager#timers}) are scheduled or cancelled as {@code <process>.<instance>.<name>}, due at the
 *       requested instant or the triggering event's {@link RecordedEvent#time() time} plus the delay – after the
 *       reaction's commands and before the instance's state write, so a crash in between applies the event again and
 *       asks for the same timers, never loses one; during a rebuild's quiet replay, as commands, none are asked for.
 *       A fired timer comes back through {@link #timerInputs()} and is applied to its instance on the same path as
 *       an event (read from the store, react, compare-and-set write), with command ids {@link
 *       TimerFired#commandId(int)}. Because the timer is stored before the state write, a timer due at once may in
 *       rare cases be delivered before that write lands; it then reacts on the state before the event.
 *   <li><b>Upgrade from the previous release</b> (one entry per process): its checkpoint and quiet mark are where every
 *       partition starts, and its state is the single instance's – nothing at or below it is reacted to again,
 *       nothing after it is lost.
 * </ul>
 *
 * <pre>{@code
 * ProcessStates states = NatsProcessStates.builder(connection).replicasOfStream("pharmacy").open();
 * ProcessProjection<PrescriptionEvent, Set<String>, InventoryCommand> host = ProcessProjection.builder(
 *                 states, "reserve-on-verify", reserveOnVerify, stateCodec,
 *                 command -> EntityRef.of("stock", command.drug()),
 *                 CommandSender.via(stockHandle))
 *         .build();
 * NatsProjections.runner(connection, filter, codec, reader, host).build().start();
 * }</pre>
 *
 * @param <E> the events it observes
 * @param <S> the state of one instance
 * @param <C> the commands it issues
 */
public final class ProcessProjection<E, S, C> implements Projection<E> {
    /**
     * The NATS KV bucket of process states.
     *
     * @deprecated the bucket belongs to the NATS store: {@code NatsProcessStates.BUCKET}
     */
    @Deprecated(forRemoval = true)
    public static final String BUCKET = "verdict-process-state";

    /** How long a read of the entries counts as current for sending, unless configured. */
    public static final Duration DEFAULT_CONFIRM_AFTER = Duration.ofSeconds(1);

    private final String name;
    private final ProcessManager<E, S, C> process;
    private final ProcessEntries<S> entries;
    private final CommandSending<C> sending;
    private final InstanceRun<S, C> run;

    /** Per partition: the highest checkpoint seen stored since this instance took its position from storage. */
    private final Map<String, Long> seenHigh = new HashMap<>();

    private ProcessProjection(Builder<E, S, C> b) {
        this.name = b.name;
        this.process = b.process;
        this.entries = new ProcessEntries<>(b.name, b.states, b.stateCodec, b.process);
        this.sending = new CommandSending<>(b.name, b.router, b.sender);
        this.run = new InstanceRun<>(entries, sending, new InstanceTimers(b.name, b.timers), b.confirmAfter.toNanos());
    }

    /** A host for the process with its state in {@code states}; see {@link #builder}. */
    public static <E, S, C> ProcessProjection<E, S, C> of(
            ProcessStates states,
            String name,
            ProcessManager<E, S, C> process,
            StateCodec<S> stateCodec,
            CommandRouter<C> router,
            CommandSender<C> sender) {
        return builder(states, name, process, stateCodec, router, sender).build();
    }

    /**
     * A builder of a host for the process.
     *
     * @param states where its checkpoints and instance states are kept (shared by every service instance)
     * @param name the process's name: one subject token; names its consumer and its entries
     * @throws dev.verdict.store.InvalidIdentifier when the name is not one subject token
     */
    public static <E, S, C> Builder<E, S, C> builder(
            ProcessStates states,
            String name,
            ProcessManager<E, S, C> process,
            StateCodec<S> stateCodec,
            CommandRouter<C> router,
            CommandSender<C> sender) {
        return new Builder<>(states, name, process, stateCodec, router, sender);
    }

    /**
     * Options of a {@link ProcessProjection}.
     *
     * @param <E> the events it observes
     * @param <S> the state of one instance
     * @param <C> the commands it issues
     */
    public static final class Builder<E, S, C> {
        private final ProcessStates states;
        private final String name;
        private final ProcessManager<E, S, C> process;
        private final StateCodec<S> stateCodec;
        private final CommandRouter<C> router;
        private final CommandSender<C> sender;
        private Duration confirmAfter = DEFAULT_CONFIRM_AFTER;
        private Optional<Timers> timers = Optional.empty();

        private Builder(
                ProcessStates states,
                String name,
                ProcessManager<E, S, C> process,
                StateCodec<S> stateCodec,
                CommandRouter<C> router,
                CommandSender<C> sender) {
            this.states = Objects.requireNonNull(states, "states");
            dev.verdict.store.EntityId.of(Objects.requireNonNull(name, "name"));
            this.name = name;
            this.process = Objects.requireNonNull(process, "process");
            this.stateCodec = Objects.requireNonNull(stateCodec, "stateCodec");
            this.router = Objects.requireNonNull(router, "router");
            this.sender = Objects.requireNonNull(sender, "sender");
        }

        /**
         * How long a read of the entries counts as current: a command of a reaction that would be sent later than this
         * after the read is sent only after the entries were read again and found unchanged. Default {@link
         * #DEFAULT_CONFIRM_AFTER}; keep it far below the target stream's duplicate window.
         *
         * @throws IllegalArgumentException when not positive
         */
        public Builder<E, S, C> confirmAfter(Duration confirmAfter) {
            if (confirmAfter.isNegative() || confirmAfter.isZero()) {
                throw new IllegalArgumentException("confirmAfter must be positive, was " + confirmAfter);
            }
            this.confirmAfter = confirmAfter;
            return this;
        }

        /**
         * The durable timers the process's instances schedule and cancel ({@link ProcessManager#timers}); needed
         * when the process asks for timers (without them such an input fails). Their firings come back through
         * {@link ProcessProjection#timerInputs()}.
         */
        public Builder<E, S, C> timers(Timers timers) {
            this.timers = Optional.of(Objects.requireNonNull(timers, "timers"));
            return this;
        }

        /** The host. */
        public ProcessProjection<E, S, C> build() {
            return new ProcessProjection<>(this);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The state of the single instance of a process that declares no instances, as stored (its initial state when
     * none is stored).
     *
     * @throws ProjectionUnavailable when the store cannot be read
     */
    public synchronized S state() {
        return entries.stored(ProcessManager.SINGLE_INSTANCE).orElse(process.initialState());
    }

    /**
     * The state of one instance as stored: empty when it never began, ended, or a rebuild has not reached it yet.
     *
     * @throws ProjectionUnavailable when the store cannot be read
     */
    public synchronized Optional<S> state(String instance) {
        return entries.stored(Objects.requireNonNull(instance, "instance"));
    }

    /** The stored checkpoint of the unpartitioned process; see {@link #checkpoint(Partition)}. */
    @Override
    public synchronized OptionalLong checkpoint() {
        return checkpoint(Partition.WHOLE);
    }

    /**
     * The stored checkpoint of the partition, read from the store on every call (another instance may have moved it);
     * this instance takes it as its position.
     *
     * @throws ProjectionUnavailable when the store cannot be read
     */
    @Override
    public synchronized OptionalLong checkpoint(Partition partition) {
        String part = partition.suffix();
        long sequence = entries.position(part).checkpoint().sequence();
        seenHigh.put(part, sequence);
        return OptionalLong.of(sequence);
    }

    /**
     * Reacts to the event on the stored state of each instance it concerns (unless it is at or below the stored
     * checkpoint or the quiet mark of a rebuild), then writes each instance's evolved state and the partition's
     * checkpoint by compare-and-set. See the class comment.
     *
     * @throws CheckpointMoved when the stored checkpoint is not the one the runner expected: nothing was sent
     * @throws ProjectionUnavailable when the target store or the state store is unavailable, or the entries keep
     *     being written concurrently: retry the same event later
     */
    @Override
    public synchronized void apply(DeliveredEvent<E> delivered) {
        applyMessage(List.of(delivered));
    }

    /**
     * Applies the events one stored message at a time: the events of a message that upcasting split (they share its
     * sequence and event id) are reacted to and evolved together, with one write per instance and one checkpoint
     * write, their commands numbered as one reaction of each instance.
     *
     * @throws CheckpointMoved as {@link #apply} does
     * @throws ProjectionUnavailable as {@link #apply} does
     */
    @Override
    public synchronized void applyBatch(List<DeliveredEvent<E>> events) {
        for (List<DeliveredEvent<E>> message : MessageGrouping.bySequence(events)) {
            applyMessage(message);
        }
    }

    /** Applies the events of one stored message (one event unless upcasting split it). */
    private void applyMessage(List<DeliveredEvent<E>> message) {
        DeliveredEvent<E> delivered = message.get(0);
        String part = delivered.partition().suffix();
        long sequence = delivered.sequence();
        for (int attempt = 1; ; attempt++) {
            Position position = entries.position(part);
            Checkpoint checkpoint = position.checkpoint();
            if (sequence <= checkpoint.sequence()) {
                return; // applied already, by this instance or another one
            }
            long expected = delivered.expectedCheckpoint();
            if (expected >= 0 && checkpoint.sequence() != expected) {
                throw new CheckpointMoved(name, expected, checkpoint.sequence());
            }
            if (expected < 0 && checkpoint.sequence() < seenHigh.getOrDefault(part, 0L)) {
                throw new ProjectionUnavailable(
                        "process '" + name + "' is being rebuilt by another instance (stored checkpoint "
                                + checkpoint.sequence() + ", this instance had seen " + seenHigh.get(part)
                                + "); read the checkpoint again to take part in the rebuild",
                        null);
            }
            try {
                Map<String, Long> ended = new HashMap<>();
                if (applyToInstances(message, part, position, true, ended)) {
                    Checkpoint next = new Checkpoint(sequence, checkpoint.quietUntil(), checkpoint.generation());
                    if (entries.writePosition(part, next, position.revision()).isPresent()) {
                        seenHigh.merge(part, sequence, Math::max);
                        ended.forEach(entries::deleteEnded); // the checkpoint covers their last event now
                        return;
                    }
                }
            } catch (InstanceRun.Moved moved) {
                // read again below
            }
            if (attempt >= InstanceRun.CAS_ATTEMPTS) {
                throw new ProjectionUnavailable(
                        "process '" + name + "': its entries were written concurrently " + attempt
                                + " times while applying sequence " + sequence + "; retrying later",
                        null);
            }
        }
    }

    /**
     * Replaying a dead letter reacts to it (with its deterministic ids) and evolves the states of its instances
     * without moving any checkpoint; the writes are compare-and-set like {@link #apply}'s.
     *
     * @throws ProjectionUnavailable as {@link #apply} does
     */
    @Override
    public synchronized void applyOutOfOrder(DeliveredEvent<E> delivered) {
        String part = delivered.partition().suffix();
        for (int attempt = 1; ; attempt++) {
            try {
                Map<String, Long> ended = new HashMap<>();
                if (applyToInstances(List.of(delivered), part, entries.position(part), false, ended)) {
                    ended.forEach(entries::deleteEnded);
                    return;
                }
            } catch (InstanceRun.Moved moved) {
                // read again
            }
            if (attempt >= InstanceRun.CAS_ATTEMPTS) {
                throw new ProjectionUnavailable(
                        "process '" + name + "': its entries were written concurrently " + attempt
                                + " times while replaying sequence " + delivered.sequence() + "; retrying later",
                        null);
            }
        }
    }

    /**
     * Applies the event to each instance it concerns, in order: reads the instance, reacts (confirming before each
     * command when the read is old), writes its state. Each instance's input goes through {@link InstanceRun#run}, as a
     * fired timer's does.
     *
     * @param inOrder whether the event moves the instances' sequences (false for an out-of-order replay)
     * @param ended receives the instances that ended, with the revision of their last write, to delete
     * @return false when another writer came first (the caller reads again)
     */
    private boolean applyToInstances(
            List<DeliveredEvent<E>> message, String part, Position position, boolean inOrder, Map<String, Long> ended) {
        DeliveredEvent<E> delivered = message.get(0);
        long sequence = delivered.sequence();
        Checkpoint checkpoint = position.checkpoint();
        Map<String, List<E>> byInstance = MessageGrouping.byInstance(message, process);
        boolean severalInstances = byInstance.size() > 1;
        for (Map.Entry<String, List<E>> concerned : byInstance.entrySet()) {
            String key = concerned.getKey();
            long readAt = System.nanoTime();
            Instance<S> instance = entries.instance(key, checkpoint, part);
            if (inOrder && instance.sequence() >= sequence) {
                continue; // this instance has it already (its writer stopped before the checkpoint)
            }
            boolean reacting = !inOrder || sequence > checkpoint.quietUntil();
            S next = instance.state();
            List<C> commands = new ArrayList<>();
            List<TimerRequest> requests = new ArrayList<>();
            for (E event : concerned.getValue()) {
                if (reacting) {
                    commands.addAll(process.react(next, event));
                    requests.addAll(process.timers(next, event));
                }
                next = process.evolve(next, event);
            }
            Optional<String> several = severalInstances ? Optional.of(key) : Optional.empty();
            OptionalLong revision = run.run(
                    key,
                    part,
                    position,
                    instance,
                    readAt,
                    new InstanceRun.Step<>(commands, next, requests),
                    sequence,
                    i -> sending.contextFor(delivered.recorded(), several, i),
                    delivered.recorded().time(),
                    inOrder ? sequence : instance.sequence());
            if (revision.isEmpty()) {
                return false;
            }
            if (process.ended(next)) {
                ended.put(key, revision.getAsLong());
            }
        }
        return true;
    }

    /**
     * The projection a durable runner delivers this process's fired timers to: run it over {@link
     * dev.verdict.projection.timers.TimerReactions#filter TimerReactions.filter(store, name)} with {@code
     * TimerFiredCodec.INSTANCE}. Its name (and the runner's consumer) is {@code timers-<process>}; it keeps no
     * checkpoint (the consumer's acknowledgements are its position).
     *
     * <p>A firing goes through the same per-instance path as an event: the instance the timer was scheduled for is
     * read from the store, {@link ProcessManager#onTimer} issues commands on its state (command {@code i} carries
     * the id {@link TimerFired#commandId(int)}, caused by the firing's event id), {@link
     * ProcessManager#timersOnTimer} may ask for further timers (a delay counts from the due instant), and {@link
     * ProcessManager#evolveOnTimer}'s state is written by compare-and-set on the revision read (another writer came
     * first: read again and decide again). A firing for an instance that does not exist (never began, ended) is
     * dropped; while a rebuild has not reached the instance it is retried. A firing delivered again after its write
     * (the runner died before acknowledging it) is reacted to again on the state it left: its commands carry the same
     * ids, so the runtime stores them once – keep {@code onTimer} answering nothing on a state that already handled
     * the timer.
     *
     * <pre>{@code
     * NatsProjections.runner(connection, TimerReactions.filter(store, "stock-reorder"),
     *                 TimerFiredCodec.INSTANCE, host.timerInputs())
     *         .failover()
     *         .build()
     *         .start();
     * }</pre>
     */
    public Projection<TimerFired> timerInputs() {
        return new FiredTimers<>(name, process, entries, run, this);
    }

    /**
     * Starts every partition over, by compare-and-set: the checkpoint goes back to 0, the old checkpoint becomes the
     * quiet mark (the higher of the two is kept), and the generation moves on, so the instance states written before
     * count as absent and events up to the mark evolve states without sending commands again.
     *
     * @throws ProjectionUnavailable when the store is unavailable or keeps being written concurrently
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

    private void startOver(boolean keepQuietMark) {
        List<String> partitions = new ArrayList<>(entries.partitions());
        if (!partitions.contains("")) {
            partitions.add(""); // the unpartitioned entry marks the rebuild for partitions never written yet
        }
        for (String part : partitions) {
            for (int attempt = 1; ; attempt++) {
                Position position = entries.position(part);
                Checkpoint c = position.checkpoint();
                long quiet = keepQuietMark ? Math.max(c.quietUntil(), c.sequence()) : 0;
                if (entries.writePosition(part, new Checkpoint(0, quiet, c.generation() + 1), position.revision())
                        .isPresent()) {
                    break;
                }
                if (attempt >= InstanceRun.CAS_ATTEMPTS) {
                    throw new ProjectionUnavailable(
                            "process '" + name + "': its checkpoint was written concurrently " + attempt
                                    + " times while resetting it; retrying later",
                            null);
                }
            }
        }
        seenHigh.clear();
        run.forget();
    }

    /** The identity of the stream the state was made from. */
    @Override
    public Optional<String> streamIdentity() {
        return entries.streamIdentity();
    }

    @Override
    public void recordStreamIdentity(String identity) {
        entries.recordStreamIdentity(identity);
    }

    /** The context of the command at {@code index} of the reaction to the event: ids derived from the event id. */
    public CommandContext contextFor(RecordedEvent trigger, int index) {
        return sending.contextFor(trigger, index);
    }
}
