package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.store.nats.KvCompareAndSet;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each {@code Idempotency-Key} was used for, and what it was answered: one entry per key in the NATS KV bucket
 * {@code <store>-idempotency}, shared by every instance of the app.
 *
 * <p>An entry binds its key to one request – a SHA-256 fingerprint of method, path and body – and goes through three
 * states: {@code pending} (an instance is executing it), {@code open} (the last attempt ended without a final answer:
 * NATS unreachable, conflict retries exhausted, an unexpected failure) and {@code done} (the final answer – a success
 * or a domain rejection – is recorded: status, headers and body).
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>A key used with another request (another method, path – e.g. another prescription – or body) is refused
 *       with {@link KeyReused} before anything is decided: nothing is stored.
 *   <li>A repeat of a request whose answer is recorded gets that answer byte for byte – a success or a rejection –
 *       with one KV read, however much the entity changed since; nothing is decided or appended.
 *   <li>Only one instance at a time executes a key: the entry is claimed with create-if-absent, or, for an {@code
 *       open} entry or a {@code pending} one that stayed at the same revision for the lease, with compare-and-set on
 *       its revision ({@link KvCompareAndSet}: both of JetStream's "wrong last sequence" codes, 10071 and 10164, mean
 *       "someone else wrote first"). The lease is measured by the waiting instance on its own monotonic clock from
 *       when it first saw that revision, so no clocks of different machines are compared. A concurrent repeat waits
 *       (polling the entry) until the answer is recorded or the lease runs out.
 *   <li>Every execution of a key uses the same command id ({@link #commandId}), so even a takeover after a crash
 *       between the append and the recording of the answer is answered by the runtime's duplicate detection, not
 *       stored twice.
 * </ul>
 *
 * <p>Reads ({@code kv.get}) may be answered by a lagging replica of the bucket; that cannot give a wrong answer here,
 * because an entry's fingerprint never changes and a {@code done} answer is final: a stale read only makes a
 * request wait, or fail a compare-and-set and read again. Claims and records are writes, decided by the leader.
 *
 * <p>Entries expire after the retention (the bucket's max age, 24 hours in the app); after that the key may be used
 * again. A key is any 1–255 printable ASCII characters; the KV key is its SHA-256, so any such key is a valid KV key.
 */
final class IdempotencyRecords {
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyRecords.class);
    private static final Duration POLL = Duration.ofMillis(20);
    static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);

    private final KeyValue kv;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration lease;

    /** A request as the key is bound to it: method, path and body (the fingerprint is a hash of all three). */
    record Request(String method, String path, byte[] body) {
        String fingerprint() {
            MessageDigest sha = sha256();
            sha.update(method.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            sha.update(path.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            sha.update(body);
            return HexFormat.of().formatHex(sha.digest());
        }
    }

    /** An answer as sent: status, headers and the JSON body's bytes. */
    record Answer(int status, Map<String, String> headers, byte[] body) {}

    /** One execution's answer, and whether it is final (recorded and repeated) or not (the key stays usable). */
    record Attempt(Answer answer, boolean isFinal) {}

    /** The key was used before with another request. */
    static final class KeyReused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeyReused() {
            super(
                    "this Idempotency-Key was used for another request (another method, path or body); "
                            + "use a new key for a new request",
                    null,
                    false,
                    false);
        }
    }

    /** The stored form of an entry. {@code status}, {@code headers}, {@code body} are set when {@code done}. */
    record Entry(
            String fingerprint, String state, Instant claimedAt, int status, Map<String, String> headers, String body) {
        static Entry pending(String fingerprint, Instant now) {
            return new Entry(fingerprint, "pending", now, 0, Map.of(), "");
        }

        Entry open() {
            return new Entry(fingerprint, "open", claimedAt, 0, Map.of(), "");
        }

        Entry done(Answer answer) {
            return new Entry(
                    fingerprint,
                    "done",
                    claimedAt,
                    answer.status(),
                    answer.headers(),
                    new String(answer.body(), StandardCharsets.UTF_8));
        }

        Answer answer() {
            return new Answer(status, headers, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private IdempotencyRecords(KeyValue kv, ObjectMapper json, Clock clock, Duration lease) {
        this.kv = kv;
        this.json = json;
        this.clock = clock;
        this.lease = lease;
    }

    /**
     * Opens the bucket, creating it if it is missing: file storage, one revision per key, the given max age, and the
     * given replicas (the store's, so the records survive what the events survive).
     */
    static IdempotencyRecords open(
            Connection nats,
            String bucket,
            int replicas,
            Duration retention,
            Duration lease,
            ObjectMapper json,
            Clock clock)
            throws IOException, JetStreamApiException {
        KeyValue records = PharmacyBuckets.ensure(
                nats,
                KeyValueConfiguration.builder()
                        .name(bucket)
                        .description("Idempotency-Key records of the pharmacy API")
                        .storageType(StorageType.File)
                        .replicas(replicas)
                        .maxHistoryPerKey(1)
                        .ttl(retention)
                        .build());
        return new IdempotencyRecords(records, json, clock, lease);
    }

    /**
     * The command id of a request made with a key: a hash of the key and the request's fingerprint. The same
     * request with the same key always gets the same id; a key reused for another request (possible only after its
     * entry expired) gets another id, so the runtime never mistakes it for a re-send of the first.
     */
    static String commandId(String key, Request request) {
        MessageDigest sha = sha256();
        sha.update(key.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
        sha.update(request.fingerprint().getBytes(StandardCharsets.US_ASCII));
        return "idem-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    /** The KV key of an {@code Idempotency-Key}'s entry: its SHA-256 in hex, valid whatever the key contains. */
    static String recordKey(String key) {
        return HexFormat.of().formatHex(sha256().digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Answers a request made with a key: the recorded answer if there is one, else the answer of {@code execute}
     * (called with the command id to use), recorded when final.
     *
     * @throws KeyReused when the key is bound to another request
     */
    Answer answer(String key, Request request, Function<String, Attempt> execute) {
        String recordKey = recordKey(key);
        String fingerprint = request.fingerprint();
        Instant giveUp = clock.instant().plus(lease.multipliedBy(2));
        long seenRevision = -1; // the pending revision being waited on, and since when (this JVM's monotonic clock)
        long seenSince = 0;
        while (true) {
            if (clock.instant().isAfter(giveUp)) {
                throw new IdempotencyStoreUnavailable(new IOException(
                        "the entry stayed pending for " + lease.multipliedBy(2).toSeconds() + " s"));
            }
            Entry mine = Entry.pending(fingerprint, clock.instant());
            long claimed = create(recordKey, mine);
            if (claimed > 0) {
                return execute(recordKey, claimed, mine, key, request, execute);
            }
            KeyValueEntry found = get(recordKey);
            if (found == null) {
                pause(); // expired between our create and get, or a lagging replica answered: try again
                continue;
            }
            Entry entry = parse(found);
            if (!entry.fingerprint().equals(fingerprint)) {
                throw new KeyReused();
            }
            if (entry.state().equals("done")) {
                return entry.answer();
            }
            if (found.getRevision() != seenRevision) {
                seenRevision = found.getRevision();
                seenSince = System.nanoTime();
            }
            boolean claimable = entry.state().equals("open") || System.nanoTime() - seenSince >= lease.toNanos();
            if (claimable) {
                long taken = update(recordKey, mine, found.getRevision());
                if (taken > 0) {
                    return execute(recordKey, taken, mine, key, request, execute);
                }
                pause(); // someone else claimed it first, or we read an old revision
                continue;
            }
            pause();
        }
    }

    private Answer execute(
            String recordKey,
            long revision,
            Entry claim,
            String key,
            Request request,
            Function<String, Attempt> execute) {
        Attempt attempt;
        try {
            attempt = execute.apply(commandId(key, request));
        } catch (RuntimeException e) {
            update(recordKey, claim.open(), revision);
            throw e;
        }
        long recorded = update(recordKey, attempt.isFinal() ? claim.done(attempt.answer()) : claim.open(), revision);
        if (recorded == 0) {
            // the claim was taken over (we ran past the lease) or NATS failed: the answer stands, a repeat executes
            // again with the same command id and the runtime recognises it
            LOG.warn("could not record the answer of an Idempotency-Key request; a repeat will be re-executed");
        }
        return attempt.answer();
    }

    /** Creates the entry if absent: its revision, or 0 when it exists. */
    private long create(String recordKey, Entry entry) {
        try {
            return KvCompareAndSet.create(kv, recordKey, bytes(entry)) instanceof KvCompareAndSet.Written w
                    ? w.revision()
                    : 0;
        } catch (JetStreamApiException | IOException e) {
            throw new IdempotencyStoreUnavailable(e);
        }
    }

    /** Replaces the entry if it is still at {@code revision}: the new revision, or 0 when it moved on or failed. */
    private long update(String recordKey, Entry entry, long revision) {
        try {
            return KvCompareAndSet.update(kv, recordKey, bytes(entry), revision) instanceof KvCompareAndSet.Written w
                    ? w.revision()
                    : 0;
        } catch (JetStreamApiException | IOException | RuntimeException e) {
            return 0;
        }
    }

    private KeyValueEntry get(String recordKey) {
        try {
            KeyValueEntry entry = kv.get(recordKey);
            return entry == null || entry.getOperation() != KeyValueOperation.PUT ? null : entry;
        } catch (JetStreamApiException | IOException e) {
            throw new IdempotencyStoreUnavailable(e);
        }
    }

    private byte[] bytes(Entry entry) {
        try {
            return json.writeValueAsBytes(entry);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an idempotency entry", e);
        }
    }

    private Entry parse(KeyValueEntry found) {
        try {
            return json.readValue(found.getValue(), Entry.class);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable idempotency entry " + found.getKey(), e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdempotencyStoreUnavailable(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The bucket could not be read or written: the request's outcome is unknown, a retry with the key is safe. */
    static final class IdempotencyStoreUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        IdempotencyStoreUnavailable(Exception cause) {
            super("the Idempotency-Key records (NATS KV) are unreachable: " + cause.getMessage(), cause);
        }
    }
}
