package dev.verdict.store.nats;

import static dev.verdict.store.nats.DeadLetterEntry.bytes;
import static dev.verdict.store.nats.DeadLetterEntry.fromJson;
import static dev.verdict.store.nats.DeadLetterEntry.node;
import static dev.verdict.store.nats.DeadLetterEntry.toJson;
import static dev.verdict.store.nats.DeadLetterEntry.tree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.DeadLetter;
import dev.verdict.store.DeadLetters;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.RetryClaim;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DeadLetters} of a store on NATS – where projections record the events they gave up on: a KV bucket (default {@value #DEFAULT_BUCKET}), one
 * entry per event and projection under the key {@code <stream>.<projection>.<sequence>}, holding a small JSON
 * document (reason, detail, subject, type, attempts, time, and the stream's identity – absent in entries of earlier
 * releases, which are read as before). The payload is not copied: {@code stream} and {@code
 * sequence} point at the event, which stays in the event stream.
 *
 * <p><b>Retry requests</b> ({@link #requestRetry}) live in the dead letter's own entry, as the fields {@code retry}
 * ({@code id}, {@code requestedAt}, and once a runner took it {@code claimedBy}, {@code claimedAt}) and {@code
 * lastRetry} ({@code id}, {@code failedAt}: the last request that failed again); every change is a compare-and-set on
 * the entry's revision. An earlier release reads such an entry as before (it ignores fields it does not know).
 *
 * <p>Guarantees: recording is idempotent (the key is derived from the event), so an event dead-lettered again after
 * a crash, or by two instances, still appears once; entries stay until {@link #remove(String, String, long)} (a successful replay removes
 * them; {@link #sequences} lets a runner find, and remove, the dead letter of an event it applied after all). The bucket takes the replica count it is opened with
 * (the store's: 3 on an R3 cluster, see {@link #openForStream}). Inspect it with any NATS client: {@code nats kv ls
 * verdict-dead-letters}.
 *
 * <pre>{@code
 * NatsDeadLetters deadLetters = NatsDeadLetters.openForStream(connection, "pharmacy");   // as many replicas as the stream
 * List<DeadLetter> letters = deadLetters.list("pharmacy", "prescription-list");
 * SortedSet<Long> sequences = deadLetters.sequences("pharmacy", "prescription-list");   // keys only
 * runner.replayDeadLetters();   // after fixing the handler: re-apply, and remove those that now succeed
 * }</pre>
 */
public final class NatsDeadLetters implements DeadLetters {
    /** The bucket used unless another is named. */
    public static final String DEFAULT_BUCKET = "verdict-dead-letters";

    private static final Logger LOG = LoggerFactory.getLogger(NatsDeadLetters.class);

    private final KeyValue kv;
    private final String bucket;

    private NatsDeadLetters(KeyValue kv, String bucket) {
        this.kv = kv;
        this.bucket = bucket;
    }

    /**
     * Opens (creating if needed) the default bucket with one replica, or uses it as it is. On a cluster, prefer
     * {@link #open(Connection, int)} or {@link #openForStream(Connection, String)}.
     */
    public static NatsDeadLetters open(Connection connection) {
        return open(connection, DEFAULT_BUCKET);
    }

    /**
     * Opens (creating if needed) the default bucket with {@code replicas} replicas – the replica count of the store it
     * serves (3 on an R3 cluster). An existing bucket with fewer replicas is raised to {@code replicas} (if the server
     * refuses, it is used as it is and a warning is logged).
     *
     * @throws IllegalArgumentException when {@code replicas} is not 1..5
     * @throws EventStoreUnavailable when the bucket cannot be opened or created
     */
    public static NatsDeadLetters open(Connection connection, int replicas) {
        return open(connection, DEFAULT_BUCKET, replicas);
    }

    /**
     * Opens (creating if needed) the default bucket with the replica count of the event stream {@code stream} (the
     * store the projections read), so dead letters are as durable as the events they point at.
     *
     * @throws EventStoreUnavailable when the stream's configuration cannot be read or the bucket cannot be opened
     */
    public static NatsDeadLetters openForStream(Connection connection, String stream) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(stream, "stream");
        int replicas;
        try {
            replicas = KvBuckets.replicasOf(connection, stream);
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable(
                    "cannot read the replica count of stream '" + stream + "': " + e.getMessage(), e);
        }
        return open(connection, DEFAULT_BUCKET, replicas);
    }

    /** Opens (creating if needed) the named bucket, file storage, one value per key, one replica. */
    public static NatsDeadLetters open(Connection connection, String bucket) {
        return open(connection, bucket, 1);
    }

    /**
     * Opens (creating if needed) the named bucket, file storage, one value per key, with {@code replicas} replicas
     * (raised on an existing bucket that has fewer, see {@link #open(Connection, int)}).
     *
     * @throws IllegalArgumentException when {@code replicas} is not 1..5
     * @throws EventStoreUnavailable when the bucket cannot be opened or created
     */
    public static NatsDeadLetters open(Connection connection, String bucket, int replicas) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(bucket, "bucket");
        KvBuckets.requireReplicas(replicas);
        try {
            KeyValue kv =
                    KvBuckets.open(connection, bucket, "Verdict dead letters: events projections gave up on", replicas);
            return new NatsDeadLetters(kv, bucket);
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot open dead-letter bucket '" + bucket + "': " + e.getMessage(), e);
        }
    }

    /** The KV bucket's name. */
    public String bucket() {
        return bucket;
    }

    /**
     * Records (or overwrites) the dead letter of one event and projection, once.
     *
     * @throws EventStoreUnavailable when the write fails (the server is unreachable or refuses); see {@link
     *     DeadLetters#recordPatiently} for a write that waits for the server
     */
    @Override
    public void record(DeadLetter letter) {
        try {
            write(letter);
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable(
                    "cannot record dead letter of projection '" + letter.projection() + "' at sequence "
                            + letter.sequence() + ": " + e.getMessage(),
                    e);
        }
    }

    private void write(DeadLetter letter) throws IOException, JetStreamApiException {
        kv.put(key(letter.stream(), letter.projection(), letter.sequence()), toJson(letter));
    }

    /** The dead letters of one projection, by sequence. */
    @Override
    public List<DeadLetter> list(String stream, String projection) {
        return listMatching(stream + "." + projection + ".*");
    }

    /** Every dead letter in the bucket, by stream, projection and sequence. */
    public List<DeadLetter> listAll() {
        return listMatching(">");
    }

    /** The dead letter of one event and projection, if recorded. */
    @Override
    public Optional<DeadLetter> find(String stream, String projection, long sequence) {
        try {
            KeyValueEntry entry = kv.get(key(stream, projection, sequence));
            return entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null
                    ? Optional.empty()
                    : Optional.of(fromJson(entry.getValue()));
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot read dead letter: " + e.getMessage(), e);
        }
    }

    /**
     * Removes the dead letter of one event and projection, e.g. because the event was applied after all (a restart,
     * a rebuild). Idempotent: removing a dead letter that is not (or no longer) recorded does nothing.
     *
     * @throws EventStoreUnavailable when the server cannot be reached
     */
    @Override
    public void remove(String stream, String projection, long sequence) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(projection, "projection");
        String key = key(stream, projection, sequence);
        try {
            // unconditional: a read first could be answered by a lagging replica and miss the entry
            kv.purge(key);
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot remove dead letter " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * The stream sequences of one projection's dead letters, ascending – read from the keys only (no values), so a
     * runner can cheaply check whether an event it applies had been dead-lettered (and then {@link #remove(String, String, long)} it).
     *
     * @throws EventStoreUnavailable when the server cannot be reached
     */
    @Override
    public SortedSet<Long> sequences(String stream, String projection) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(projection, "projection");
        String prefix = stream + "." + projection + ".";
        try {
            TreeSet<Long> sequences = new TreeSet<>();
            for (String key : kv.keys(prefix + "*")) {
                if (key.startsWith(prefix)) {
                    try {
                        sequences.add(Long.parseLong(key.substring(prefix.length())));
                    } catch (NumberFormatException e) {
                        LOG.warn("dead-letter bucket '{}': ignoring key '{}' (not a sequence)", bucket, key);
                    }
                }
            }
            return Collections.unmodifiableSortedSet(sequences);
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot list dead letters in '" + bucket + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreUnavailable("interrupted while listing dead letters", e);
        }
    }

    private List<DeadLetter> listMatching(String filter) {
        try {
            List<DeadLetter> letters = new ArrayList<>();
            for (String key : kv.keys(filter)) {
                KeyValueEntry entry = kv.get(key);
                if (entry != null && entry.getOperation() == KeyValueOperation.PUT && entry.getValue() != null) {
                    letters.add(fromJson(entry.getValue()));
                }
            }
            letters.sort(Comparator.comparing(DeadLetter::stream)
                    .thenComparing(DeadLetter::projection)
                    .thenComparingLong(DeadLetter::sequence));
            return letters;
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot list dead letters in '" + bucket + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreUnavailable("interrupted while listing dead letters", e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // retry requests

    /**
     * Where a dead letter's retry request stands, as stored in its entry.
     *
     * @param letter the dead letter
     * @param requestId the open request, if any
     * @param requestedAt when it was made
     * @param claimedBy the runner that took the open request and is applying the event, if one did
     * @param lastFailedRequest the last request whose retry failed again (the letter then holds the new attempts and
     *     detail)
     */
    public record RetryState(
            DeadLetter letter,
            Optional<String> requestId,
            Optional<Instant> requestedAt,
            Optional<String> claimedBy,
            Optional<String> lastFailedRequest) {}

    private Optional<DeadLetterEntry> entry(String key) throws IOException, JetStreamApiException {
        KeyValueEntry e = kv.get(key);
        return e == null || e.getOperation() != KeyValueOperation.PUT || e.getValue() == null
                ? Optional.empty()
                : Optional.of(new DeadLetterEntry(tree(e.getValue()), e.getRevision()));
    }

    /** Compare-and-set attempts before a change gives up: each conflict means someone else changed the entry. */
    private static final int CAS_ATTEMPTS = 20;

    /**
     * Asks the running instances to apply the dead letter's event again: writes a new retry request into its entry
     * (compare-and-set; a request still open or claimed is replaced). The instance holding the event's partition
     * applies it and removes the entry, or records the new failure and marks the request as failed ({@link
     * #retryState}); with no instance running the request waits.
     *
     * <pre>{@code
     * Optional<String> request = deadLetters.requestRetry("pharmacy", "prescription-list", 42);
     * }</pre>
     *
     * @return the request's id, or empty when there is no such dead letter
     * @throws EventStoreUnavailable when the server cannot be reached or refuses the write
     */
    public Optional<String> requestRetry(String stream, String projection, long sequence) {
        String key = key(stream, projection, sequence);
        String id = UUID.randomUUID().toString();
        try {
            for (int i = 0; i < CAS_ATTEMPTS; i++) {
                Optional<DeadLetterEntry> entry = entry(key);
                if (entry.isEmpty()) {
                    return Optional.empty();
                }
                ObjectNode json = entry.get().json().deepCopy();
                ObjectNode retry = json.putObject("retry");
                retry.put("id", id);
                retry.put("requestedAt", Instant.now().toString());
                if (KvCompareAndSet.update(kv, key, bytes(json), entry.get().revision())
                        .written()) {
                    return Optional.of(id);
                }
            }
            throw new EventStoreUnavailable("dead letter " + key + " keeps changing; retry not requested", null);
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot request a retry of " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Where the dead letter's retry stands; empty when the dead letter is gone (applied by a retry, by the runner
     * after all, or skipped).
     *
     * @throws EventStoreUnavailable when the server cannot be reached
     */
    public Optional<RetryState> retryState(String stream, String projection, long sequence) {
        try {
            return entry(key(stream, projection, sequence)).map(DeadLetterEntry::state);
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot read dead letter: " + e.getMessage(), e);
        }
    }

    /**
     * Watches the projection's entries (a KV watch on {@code <stream>.<projection>.*}: the current entries first, then
     * each change) and reports those with an open request nobody claimed yet.
     */
    @Override
    public AutoCloseable watchRetryRequests(String stream, String projection, RetryRequests listener) {
        Objects.requireNonNull(listener, "listener");
        String filter = stream + "." + projection + ".*";
        String prefix = stream + "." + projection + ".";
        KeyValueWatcher watcher = new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry e) {
                try {
                    if (e.getOperation() != KeyValueOperation.PUT || e.getValue() == null) {
                        listener.settled(Long.parseLong(e.getKey().substring(prefix.length())));
                        return;
                    }
                    DeadLetterEntry entry = new DeadLetterEntry(tree(e.getValue()), e.getRevision());
                    if (entry.requestId().isPresent() && entry.claimedBy().isEmpty()) {
                        listener.requested(entry.letter());
                    } else {
                        listener.settled(entry.letter().sequence());
                    }
                } catch (RuntimeException ex) {
                    LOG.warn("dead-letter bucket '{}': entry '{}' not watched ({})", bucket, e.getKey(), ex.toString());
                }
            }

            @Override
            public void endOfData() {}
        };
        try {
            var subscription = kv.watch(filter, watcher);
            return subscription::unsubscribe;
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable(
                    "cannot watch dead letters " + filter + " in '" + bucket + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreUnavailable("interrupted while watching dead letters", e);
        }
    }

    @Override
    public Optional<RetryClaim> claimRetry(String stream, String projection, long sequence, String runner) {
        String key = key(stream, projection, sequence);
        try {
            for (int i = 0; i < CAS_ATTEMPTS; i++) {
                Optional<DeadLetterEntry> entry = entry(key);
                if (entry.isEmpty()
                        || entry.get().requestId().isEmpty()
                        || entry.get().claimedBy().isPresent()) {
                    return Optional.empty();
                }
                ObjectNode json = entry.get().json().deepCopy();
                ObjectNode retry = (ObjectNode) json.get("retry");
                retry.put("claimedBy", runner);
                retry.put("claimedAt", Instant.now().toString());
                if (KvCompareAndSet.update(kv, key, bytes(json), entry.get().revision())
                        instanceof KvCompareAndSet.Written w) {
                    return Optional.of(new RetryClaim(
                            entry.get().letter(), entry.get().requestId().get(), w.revision()));
                }
            }
            return Optional.empty();
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot claim the retry of " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void retryApplied(RetryClaim claim) {
        DeadLetter l = claim.letter();
        String key = key(l.stream(), l.projection(), l.sequence());
        try {
            long revision = claim.revision();
            for (int i = 0; i < CAS_ATTEMPTS; i++) {
                try {
                    kv.purge(key, revision);
                    return;
                } catch (JetStreamApiException e) {
                    if (!KvCompareAndSet.isConflict(e)) {
                        throw e;
                    }
                }
                // changed since the claim: a new request on the same letter is answered by this application too;
                // a letter recorded anew (another failure) is kept
                Optional<DeadLetterEntry> now = entry(key);
                if (now.isEmpty() || !now.get().letter().recordedAt().equals(l.recordedAt())) {
                    return;
                }
                revision = now.get().revision();
            }
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot remove dead letter " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void retryFailed(RetryClaim claim, DeadLetter again) {
        DeadLetter l = claim.letter();
        String key = key(l.stream(), l.projection(), l.sequence());
        try {
            long revision = claim.revision();
            Optional<JsonNode> newerRequest = Optional.empty();
            for (int i = 0; i < CAS_ATTEMPTS; i++) {
                ObjectNode json = node(again);
                ObjectNode last = json.putObject("lastRetry");
                last.put("id", claim.requestId());
                last.put("failedAt", Instant.now().toString());
                newerRequest.ifPresent(r -> json.set("retry", r)); // asked again meanwhile: that request stays open
                if (KvCompareAndSet.update(kv, key, bytes(json), revision).written()) {
                    return;
                }
                Optional<DeadLetterEntry> now = entry(key);
                if (now.isEmpty() || !now.get().letter().recordedAt().equals(l.recordedAt())) {
                    return; // skipped, applied elsewhere, or recorded anew meanwhile
                }
                revision = now.get().revision();
                newerRequest = now.get()
                        .requestId()
                        .filter(id -> !id.equals(claim.requestId()))
                        .map(id -> {
                            ObjectNode open = now.get().json().get("retry").deepCopy();
                            open.remove("claimedBy");
                            open.remove("claimedAt");
                            return open;
                        });
            }
        } catch (IOException | JetStreamApiException e) {
            throw new EventStoreUnavailable("cannot record the failed retry of " + key + ": " + e.getMessage(), e);
        }
    }

    static String key(String stream, String projection, long sequence) {
        return stream + "." + projection + "." + sequence;
    }
}
