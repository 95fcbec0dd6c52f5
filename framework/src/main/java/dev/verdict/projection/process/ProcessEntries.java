package dev.verdict.projection.process;

import dev.verdict.decider.ProcessManager;
import dev.verdict.projection.ProjectionFailure;
import dev.verdict.projection.ProjectionUnavailable;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.ProcessStates;
import dev.verdict.store.ProcessStates.Checkpoint;
import dev.verdict.store.ProcessStates.InstanceState;
import dev.verdict.store.ProcessStates.LegacyState;
import dev.verdict.store.ProcessStates.Versioned;
import dev.verdict.store.StateCodec;
import dev.verdict.store.StoreMisconfigured;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * One process's entries in {@link ProcessStates}, typed: checkpoints per partition (falling back to the previous
 * release's single entry at an upgrade), instance states decoded with the state codec. Storage errors become {@link
 * ProjectionUnavailable} (retry), misconfiguration {@link ProjectionFailure}.
 */
final class ProcessEntries<S> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProcessEntries.class);

    /** The checkpoint of a partition and the revision to write over. */
    record Position(Checkpoint checkpoint, long revision) {}

    /** An instance's state as this generation sees it, and the revision to write over. */
    record Instance<S>(S state, long sequence, long revision) {}

    private final String name;
    private final ProcessStates states;
    private final StateCodec<S> codec;
    private final ProcessManager<?, S, ?> process;
    /** The previous release's entry, read at most once (nothing writes it any more). */
    private Optional<Optional<LegacyState>> legacy = Optional.empty();

    ProcessEntries(String name, ProcessStates states, StateCodec<S> codec, ProcessManager<?, S, ?> process) {
        this.name = name;
        this.states = states;
        this.codec = codec;
        this.process = process;
    }

    /**
     * The partition's checkpoint. When it was never written: after a reset of the whole process (the unpartitioned
     * entry has a generation), the reset's start; else the previous release's entry, if any (its checkpoint and quiet
     * mark: nothing at or below it is reacted to again, nothing after it is lost); else the start.
     */
    Position position(String partition) {
        Versioned<Checkpoint> stored = guarded(() -> states.checkpoint(name, partition), "read the checkpoint");
        if (stored.value().isPresent() || stored.revision() != 0) {
            return new Position(stored.value().orElse(Checkpoint.START), stored.revision());
        }
        if (!partition.isEmpty()) {
            Optional<Checkpoint> whole = guarded(() -> states.checkpoint(name, ""), "read the checkpoint")
                    .value();
            if (whole.isPresent() && whole.get().generation() > 0) {
                Checkpoint reset = whole.get();
                return new Position(
                        new Checkpoint(0, Math.max(reset.quietUntil(), reset.sequence()), reset.generation()), 0);
            }
        }
        return new Position(
                legacy().map(l -> new Checkpoint(l.sequence(), l.quietUntil(), 0))
                        .orElse(Checkpoint.START),
                0);
    }

    /** Writes the partition's checkpoint over {@code revision}; empty when another writer came first. */
    OptionalLong writePosition(String partition, Checkpoint checkpoint, long revision) {
        return guarded(() -> states.writeCheckpoint(name, partition, checkpoint, revision), "write the checkpoint");
    }

    /**
     * The instance's state in the checkpoint's generation: an entry of an older generation (before a rebuild) or none
     * is the initial state – or, for the single instance of a process upgraded from the previous release, that
     * release's state.
     */
    Instance<S> instance(String key, Checkpoint position, String partition) {
        Versioned<InstanceState> stored = guarded(() -> states.instance(name, key), "read instance '" + key + "'");
        Optional<InstanceState> current = stored.value().filter(s -> s.generation() == position.generation());
        if (current.isPresent()) {
            InstanceState s = current.get();
            requireFingerprint(s.fingerprint(), "instance '" + key + "'");
            if (!s.partition().equals(partition) && sameCount(s.partition(), partition)) {
                throw new ProjectionFailure("process '" + name + "': instance '" + key + "' was written by partition '"
                        + s.partition() + "' and now has an event in partition '" + partition + "': every event of "
                        + "an instance must be in one partition (key instances by the event's entity)");
            }
            S state = codec.decode(s.state());
            // an instance that ended but whose deletion did not happen (a crash after the checkpoint): a later event
            // begins a new instance; its sequence still marks the events it had
            return new Instance<>(
                    process.ended(state) ? process.initialState() : state, s.sequence(), stored.revision());
        }
        if (stored.revision() == 0 && position.generation() == 0 && key.equals(ProcessManager.SINGLE_INSTANCE)) {
            Optional<LegacyState> old = legacy();
            if (old.isPresent()) {
                requireFingerprint(old.get().fingerprint(), "entry of the previous release");
                return new Instance<>(codec.decode(old.get().state()), 0, 0);
            }
        }
        return new Instance<>(process.initialState(), 0, stored.revision());
    }

    /** A stored instance as a fired timer finds it: its partition, that partition's position, and its state. */
    record Located<S>(String partition, Position position, Instance<S> instance) {}

    /**
     * The stored, running instance a fired timer is for: empty when there is none (it never began, it ended, or a
     * finished rebuild did not recreate it).
     *
     * @throws ProjectionUnavailable while a rebuild has not reached the instance yet (the timer waits for it)
     */
    Optional<Located<S>> locate(String key) {
        Versioned<InstanceState> stored = guarded(() -> states.instance(name, key), "read instance '" + key + "'");
        if (stored.value().isEmpty()) {
            return Optional.empty();
        }
        InstanceState s = stored.value().get();
        Position position = position(s.partition());
        Checkpoint c = position.checkpoint();
        if (s.generation() != c.generation()) {
            if (s.generation() < c.generation() && c.sequence() < c.quietUntil()) {
                throw new ProjectionUnavailable(
                        "process '" + name + "': instance '" + key + "' is being rebuilt; its timer waits for it",
                        null);
            }
            return Optional.empty();
        }
        requireFingerprint(s.fingerprint(), "instance '" + key + "'");
        S state = codec.decode(s.state());
        if (process.ended(state)) {
            return Optional.empty();
        }
        return Optional.of(
                new Located<>(s.partition(), position, new Instance<>(state, s.sequence(), stored.revision())));
    }

    /**
     * Writes the instance's state over {@code revision} – also an ended one, with the event's sequence, so a
     * redelivery before the checkpoint moves finds it applied; {@link #deleteEnded} removes it once the checkpoint
     * covers the event. Empty on a conflict.
     */
    OptionalLong writeInstance(String key, S state, long sequence, Checkpoint position, String partition, long rev) {
        if (process.ended(state) && rev == 0) {
            return OptionalLong.of(0); // began and ended with one event: nothing stored
        }
        InstanceState entry =
                new InstanceState(codec.encode(state), codec.fingerprint(), sequence, position.generation(), partition);
        return guarded(() -> states.writeInstance(name, key, entry, rev), "write instance '" + key + "'");
    }

    /**
     * Deletes an ended instance's entry written at {@code revision}, once the checkpoint covers its last event. A
     * failure leaves the entry, which reads as ended (absent), so it is only logged.
     */
    void deleteEnded(String key, long revision) {
        try {
            if (revision != 0 && states.deleteInstance(name, key, revision).isEmpty()) {
                LOG.debug("process '{}': ended instance '{}' was written again before its deletion", name, key);
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "process '{}': ended instance '{}' not deleted now ({}); it reads as ended",
                    name,
                    key,
                    e.toString());
        }
    }

    /** The state of an instance as stored, in its partition's generation. */
    Optional<S> stored(String key) {
        Versioned<InstanceState> stored = guarded(() -> states.instance(name, key), "read instance '" + key + "'");
        if (stored.value().isEmpty()) {
            return stored.revision() == 0 && key.equals(ProcessManager.SINGLE_INSTANCE)
                    ? legacy().filter(l -> position("").checkpoint().generation() == 0)
                            .map(l -> codec.decode(l.state()))
                    : Optional.empty();
        }
        InstanceState s = stored.value().get();
        if (s.generation() != position(s.partition()).checkpoint().generation()) {
            return Optional.empty(); // stale: written before a rebuild that has not reached it yet
        }
        requireFingerprint(s.fingerprint(), "instance '" + key + "'");
        return Optional.of(codec.decode(s.state())).filter(state -> !process.ended(state));
    }

    Optional<String> streamIdentity() {
        return guarded(() -> states.streamIdentity(name), "read the stream identity");
    }

    void recordStreamIdentity(String identity) {
        guarded(
                () -> {
                    states.recordStreamIdentity(name, identity);
                    return null;
                },
                "record the stream identity");
    }

    java.util.List<String> partitions() {
        return guarded(() -> states.partitions(name), "list the partitions");
    }

    private Optional<LegacyState> legacy() {
        if (legacy.isEmpty()) {
            legacy = Optional.of(guarded(() -> states.legacy(name), "read the entry of the previous release"));
        }
        return legacy.get();
    }

    private void requireFingerprint(String fingerprint, String what) {
        if (!fingerprint.equals(codec.fingerprint())) {
            throw new ProjectionFailure("stored state (" + what + ") of process '" + name + "' has fingerprint '"
                    + fingerprint + "' but the state codec's is '" + codec.fingerprint()
                    + "': the state's shape changed; rebuild the process to recompute it");
        }
    }

    private static boolean sameCount(String a, String b) {
        return !a.isEmpty() && !b.isEmpty() && a.replaceFirst("^\\d+of", "").equals(b.replaceFirst("^\\d+of", ""));
    }

    private <T> T guarded(Supplier<T> call, String what) {
        try {
            return call.get();
        } catch (EventStoreUnavailable e) {
            throw new ProjectionUnavailable("process '" + name + "': cannot " + what + ": " + e.getMessage(), e);
        } catch (StoreMisconfigured e) {
            throw new ProjectionFailure("process '" + name + "': cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
