package dev.verdict.reliability;

import dev.verdict.runtime.AppendedEvent;
import dev.verdict.runtime.Outcome;
import dev.verdict.store.EventStoreUnavailable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the clients of a scenario were told about every command they sent: the ground truth the stream is audited
 * against. Thread-safe.
 */
final class CommandLedger {

    /** The final answer a client got for one command id (after its own retries). */
    enum Result {
        ACCEPTED,
        REJECTED,
        UNCHANGED,
        /** A typed failure whose outcome is unknown ({@link EventStoreUnavailable}): the events may be stored. */
        FAILED_UNKNOWN_OUTCOME,
        /** Any other typed failure: nothing may be stored. */
        FAILED
    }

    /**
     * One command's final entry.
     *
     * @param sequences the reported sequences of its events (accepted only)
     * @param duplicate whether the accepted outcome came from deduplication (an earlier send was stored)
     * @param failure the exception's class and message (failed only)
     * @param sends how many times the client sent it (1 + retries after an unknown outcome)
     */
    record Entry(
            String commandId,
            String entityId,
            Result result,
            List<Long> sequences,
            boolean duplicate,
            String failure,
            int sends) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong resends = new AtomicLong();

    void sent() {
        sent.incrementAndGet();
    }

    void resent() {
        resends.incrementAndGet();
    }

    void record(String commandId, String entityId, Outcome<?, ?> outcome, int sends) {
        Entry entry;
        if (outcome instanceof Outcome.Accepted<?, ?> accepted) {
            List<Long> sequences = new ArrayList<>();
            for (AppendedEvent<?> e : accepted.events()) {
                sequences.add(e.sequence());
            }
            entry = new Entry(commandId, entityId, Result.ACCEPTED, sequences, accepted.duplicate(), "", sends);
        } else if (outcome instanceof Outcome.Rejected<?, ?>) {
            entry = new Entry(commandId, entityId, Result.REJECTED, List.of(), false, "", sends);
        } else {
            entry = new Entry(commandId, entityId, Result.UNCHANGED, List.of(), false, "", sends);
        }
        put(entry);
    }

    void recordAccepted(String commandId, String entityId, List<Long> sequences, boolean duplicate, int sends) {
        put(new Entry(commandId, entityId, Result.ACCEPTED, List.copyOf(sequences), duplicate, "", sends));
    }

    void recordFailure(String commandId, String entityId, RuntimeException failure, int sends) {
        Result result = failure instanceof EventStoreUnavailable ? Result.FAILED_UNKNOWN_OUTCOME : Result.FAILED;
        put(new Entry(
                commandId,
                entityId,
                result,
                List.of(),
                false,
                failure.getClass().getSimpleName() + ": " + failure.getMessage(),
                sends));
    }

    private void put(Entry entry) {
        Entry previous = entries.putIfAbsent(entry.commandId(), entry);
        if (previous != null) {
            throw new IllegalStateException("command id " + entry.commandId() + " recorded twice");
        }
    }

    Entry entry(String commandId) {
        Entry e = entries.get(commandId);
        if (e == null) {
            throw new IllegalArgumentException("no command " + commandId + " in the ledger");
        }
        return e;
    }

    Collection<Entry> entries() {
        return entries.values();
    }

    long sentCount() {
        return sent.get();
    }

    long resendCount() {
        return resends.get();
    }

    long count(Result result) {
        return entries.values().stream().filter(e -> e.result() == result).count();
    }

    long acceptedThroughDeduplication() {
        return entries.values().stream()
                .filter(e -> e.result() == Result.ACCEPTED && e.duplicate())
                .count();
    }

    /** Failure messages by exception class, e.g. {@code EventStoreUnavailable -> 3}. */
    Map<String, Long> failuresByType() {
        Map<String, Long> byType = new TreeMap<>();
        for (Entry e : entries.values()) {
            if (e.result() == Result.FAILED || e.result() == Result.FAILED_UNKNOWN_OUTCOME) {
                byType.merge(e.failure().split(":", 2)[0], 1L, Long::sum);
            }
        }
        return byType;
    }
}
