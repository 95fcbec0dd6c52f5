package dev.verdict.store;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where process managers keep their progress: per process and partition a {@link Checkpoint} (the last event
 * applied, the quiet mark of a rebuild, the rebuild's generation), and per process <em>instance</em> an {@link
 * InstanceState} (the encoded state of one saga, e.g. one prescription's). Every write is a compare-and-set on the
 * revision read last (0: the entry must not exist), never a blind put; every read answers the latest write (on NATS:
 * from the bucket stream's leader, never from a replica that may lag). An instance that ended is deleted, by
 * compare-and-set too, so the entries grow with the number of <em>running</em> instances, not with history.
 *
 * <p>Implementations: {@code dev.verdict.store.nats.NatsProcessStates} (KV bucket {@code verdict-process-state}) and
 * the test kit's {@code InMemoryProcessStates}. All methods throw {@link EventStoreUnavailable} when the storage does
 * not answer (the outcome of a write is then unknown), never for a conflict.
 *
 * <pre>{@code
 * ProcessStates states = NatsProcessStates.open(connection);       // or new InMemoryProcessStates()
 * ProcessStates.Versioned<ProcessStates.InstanceState> rx42 = states.instance("reorders", "rx-42");
 * OptionalLong revision = states.writeInstance("reorders", "rx-42", next, rx42.revision());
 * if (revision.isEmpty()) {
 *     // another instance wrote first: read again and decide again
 * }
 * }</pre>
 */
public interface ProcessStates {

    /**
     * A process's progress in one partition.
     *
     * @param sequence the stream sequence of the last event applied (0: none)
     * @param quietUntil events up to this sequence evolve state but send nothing (a rebuild's replay); 0: none
     * @param generation incremented by each rebuild; instance states of an older generation are stale
     */
    record Checkpoint(long sequence, long quietUntil, long generation) {
        /** No event applied, no rebuild. */
        public static final Checkpoint START = new Checkpoint(0, 0, 0);

        public Checkpoint {
            if (sequence < 0 || quietUntil < 0 || generation < 0) {
                throw new IllegalArgumentException("checkpoint values must be >= 0");
            }
        }
    }

    /**
     * The state of one process instance.
     *
     * @param state the state codec's bytes
     * @param fingerprint the state codec's fingerprint
     * @param sequence the last event applied to this instance
     * @param generation the rebuild generation it was written in ({@link Checkpoint#generation()})
     * @param partition the partition that owns the instance ({@code ""} when unpartitioned)
     */
    record InstanceState(byte[] state, String fingerprint, long sequence, long generation, String partition) {
        public InstanceState {
            state = Objects.requireNonNull(state, "state").clone();
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(partition, "partition");
        }

        @Override
        public byte[] state() {
            return state.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InstanceState s
                    && Arrays.equals(state, s.state)
                    && fingerprint.equals(s.fingerprint)
                    && sequence == s.sequence
                    && generation == s.generation
                    && partition.equals(s.partition);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(state), fingerprint, sequence, generation, partition);
        }

        @Override
        public String toString() {
            return "InstanceState[" + state.length + " bytes, fingerprint=" + fingerprint + ", sequence=" + sequence
                    + ", generation=" + generation + ", partition=" + partition + "]";
        }
    }

    /**
     * The one entry an earlier release kept per process (its whole state and checkpoint), read once at an upgrade.
     *
     * @param sequence its checkpoint
     * @param quietUntil its quiet mark
     * @param fingerprint its state codec's fingerprint
     * @param state its state's bytes
     */
    record LegacyState(long sequence, long quietUntil, String fingerprint, byte[] state) {
        public LegacyState {
            Objects.requireNonNull(fingerprint, "fingerprint");
            state = Objects.requireNonNull(state, "state").clone();
        }

        @Override
        public byte[] state() {
            return state.clone();
        }
    }

    /**
     * A value and the revision to expect when writing over it.
     *
     * @param value the entry, or empty when the key has no value (never written: revision 0; deleted: the revision
     *     of the delete)
     * @param revision the revision to pass to the next compare-and-set
     */
    record Versioned<T>(Optional<T> value, long revision) {
        public Versioned {
            Objects.requireNonNull(value, "value");
        }

        /** The same revision with the value mapped. */
        public <U> Versioned<U> map(java.util.function.Function<? super T, ? extends U> f) {
            return new Versioned<>(value.map(f), revision);
        }
    }

    /** The checkpoint of the process in a partition ({@code ""}: unpartitioned), as last written. */
    Versioned<Checkpoint> checkpoint(String process, String partition);

    /**
     * Writes the checkpoint if the entry is still at {@code expectedRevision}.
     *
     * @return the new revision, or empty when another writer came first
     */
    OptionalLong writeCheckpoint(String process, String partition, Checkpoint checkpoint, long expectedRevision);

    /** The partitions ({@code ""}: unpartitioned) that have a checkpoint of the process. */
    List<String> partitions(String process);

    /** The state of one instance of the process, as last written. */
    Versioned<InstanceState> instance(String process, String instance);

    /**
     * Writes the instance's state if its entry is still at {@code expectedRevision}.
     *
     * @return the new revision, or empty when another writer came first
     */
    OptionalLong writeInstance(String process, String instance, InstanceState state, long expectedRevision);

    /**
     * Deletes the instance's state (it ended) if its entry is still at {@code expectedRevision}.
     *
     * @return the revision of the deletion, or empty when another writer came first
     */
    OptionalLong deleteInstance(String process, String instance, long expectedRevision);

    /** The process's single entry of an earlier release, if there is one. */
    Optional<LegacyState> legacy(String process);

    /** The identity of the stream the process's progress refers to, if recorded. */
    Optional<String> streamIdentity(String process);

    /** Records the identity of the stream the process's progress refers to from now on. */
    void recordStreamIdentity(String process, String identity);
}
