package dev.verdict.reliability;

import dev.verdict.reliability.CommandLedger.Entry;
import dev.verdict.reliability.CommandLedger.Result;
import dev.verdict.reliability.StoredMessages.Stored;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares what clients were told (a {@link CommandLedger}) with what the stream holds.
 *
 * <ul>
 *   <li><b>lost</b>: an event of an {@code Accepted} command that is not in the stream (or not at the reported
 *       sequence);
 *   <li><b>duplicated</b>: a message id ({@code <commandId>:<index>}) stored more than once;
 *   <li><b>misreported</b>: a command reported as rejected, unchanged or failed (with a known outcome) whose events
 *       are in the stream anyway;
 *   <li><b>stored after an unknown outcome</b>: allowed – the client was told the outcome is unknown;
 *   <li><b>unknown</b>: stored messages no command of the ledger explains (foreign writers).
 * </ul>
 */
record StreamAudit(
        long storedMessages,
        long lost,
        long duplicated,
        long misreported,
        long storedAfterUnknownOutcome,
        long unknown,
        List<String> problems) {

    static StreamAudit of(CommandLedger ledger, List<Stored> stored) {
        Map<String, List<Stored>> byMsgId = new HashMap<>();
        Map<String, List<Stored>> byCommand = new HashMap<>();
        for (Stored s : stored) {
            s.msgId()
                    .ifPresent(id ->
                            byMsgId.computeIfAbsent(id, k -> new ArrayList<>()).add(s));
            s.commandId()
                    .ifPresent(id -> byCommand
                            .computeIfAbsent(id, k -> new ArrayList<>())
                            .add(s));
        }
        List<String> problems = new ArrayList<>();
        long duplicated = 0;
        for (Map.Entry<String, List<Stored>> e : byMsgId.entrySet()) {
            if (e.getValue().size() > 1) {
                duplicated += e.getValue().size() - 1;
                problems.add(
                        "message id " + e.getKey() + " stored " + e.getValue().size() + " times: " + e.getValue());
            }
        }
        long lost = 0;
        long misreported = 0;
        long unknownOutcomeStored = 0;
        Map<String, Entry> known = new HashMap<>();
        for (Entry entry : ledger.entries()) {
            known.put(entry.commandId(), entry);
            List<Stored> events = byCommand.getOrDefault(entry.commandId(), List.of());
            if (entry.result() == Result.ACCEPTED) {
                for (int i = 0; i < entry.sequences().size(); i++) {
                    long reported = entry.sequences().get(i);
                    List<Stored> copies = byMsgId.getOrDefault(entry.commandId() + ":" + i, List.of());
                    boolean atReported = copies.stream().anyMatch(s -> s.sequence() == reported);
                    if (!atReported) {
                        lost++;
                        problems.add("accepted command " + entry.commandId() + " event " + i + " reported at #"
                                + reported + " is not there; copies: " + copies);
                    }
                }
                if (events.size() != entry.sequences().size()) {
                    problems.add("accepted command " + entry.commandId() + " reported "
                            + entry.sequences().size() + " events, the stream holds " + events.size());
                }
            } else if (!events.isEmpty()) {
                if (entry.result() == Result.FAILED_UNKNOWN_OUTCOME) {
                    unknownOutcomeStored++;
                } else {
                    misreported++;
                    problems.add("command " + entry.commandId() + " reported " + entry.result() + " (" + entry.failure()
                            + ") but its events are stored: " + events);
                }
            }
        }
        long unknown = 0;
        for (Stored s : stored) {
            if (s.commandId().isEmpty() || !known.containsKey(s.commandId().get())) {
                unknown++;
            }
        }
        return new StreamAudit(
                stored.size(), lost, duplicated, misreported, unknownOutcomeStored, unknown, List.copyOf(problems));
    }
}
