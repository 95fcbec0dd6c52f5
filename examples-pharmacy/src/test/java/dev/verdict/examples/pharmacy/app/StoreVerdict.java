package dev.verdict.examples.pharmacy.app;

import dev.verdict.examples.pharmacy.Inventory;
import dev.verdict.examples.pharmacy.InventoryDecider;
import dev.verdict.examples.pharmacy.InventoryEvent;
import dev.verdict.examples.pharmacy.PharmacyProcess;
import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.store.RecordedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The checks, each a sentence when it fails. */
final class StoreVerdict {
    final List<String> problems = new ArrayList<>();
    /** Reactions the process manager owes for the stream's events (reorders below the threshold). */
    int reactionsOwed;
    /** The stream sequences of the events that owe reactions. */
    final List<Long> triggerSequences = new ArrayList<>();
    /** Reorders that decided nothing because stock was received before the process reacted. */
    int reorderedTooLate;

    /** A deduction that took a drug below the reorder threshold. */
    record Trigger(String eventId, String drug) {}

    StoreVerdict(
            List<RecordedEvent> all,
            List<RecordedEvent> prescriptionEvents,
            Map<String, List<Object>> expectedRows,
            Map<String, List<Object>> actualRows,
            Map<Long, Integer> applied) {
        compareRows(expectedRows, actualRows);
        checkAppliedOnce(prescriptionEvents, applied);
        checkStockAndReactions(all, prescriptionEvents);
    }

    List<String> problems() {
        return problems;
    }

    void compareRows(Map<String, List<Object>> expected, Map<String, List<Object>> actual) {
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, List<Object>> e : expected.entrySet()) {
            List<Object> row = actual.get(e.getKey());
            if (row == null) {
                missing.add(e.getKey());
            } else if (!row.equals(e.getValue())) {
                differ.add(e.getKey() + " is " + row + ", replay says " + e.getValue());
            }
        }
        actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(extra::add);
        if (!missing.isEmpty()) {
            problems.add("read model lacks " + missing.size() + " of " + expected.size() + " prescriptions, e.g. "
                    + first(missing));
        }
        if (!extra.isEmpty()) {
            problems.add("read model has " + extra.size() + " rows the stream does not know, e.g. " + first(extra));
        }
        if (!differ.isEmpty()) {
            problems.add("read model differs from a clean replay in " + differ.size() + " of " + expected.size()
                    + " rows (columns patient, drug, status, quantity, dispensed, refills_left, version), e.g. "
                    + first(differ));
        }
    }

    void checkAppliedOnce(List<RecordedEvent> prescriptionEvents, Map<Long, Integer> applied) {
        Map<String, Integer> missingByType = new TreeMap<>();
        List<String> twice = new ArrayList<>();
        for (RecordedEvent e : prescriptionEvents) {
            int times = applied.getOrDefault(e.sequence(), 0);
            if (times == 0) {
                missingByType.merge(e.type(), 1, Integer::sum);
            } else if (times > 1) {
                twice.add(e.sequence() + " (" + e.type() + ") " + times + " times");
            }
        }
        if (!missingByType.isEmpty()) {
            int total =
                    missingByType.values().stream().mapToInt(Integer::intValue).sum();
            problems.add("read model never applied " + total + " of " + prescriptionEvents.size()
                    + " prescription events: " + missingByType);
        }
        if (!twice.isEmpty()) {
            problems.add("read model applied " + twice.size() + " events more than once, e.g. " + first(twice));
        }
    }

    void checkStockAndReactions(List<RecordedEvent> all, List<RecordedEvent> prescriptionEvents) {
        InventoryDecider stock = new InventoryDecider();
        PharmacyProcess process = new PharmacyProcess();
        Map<String, Inventory> actual = new TreeMap<>();
        Map<String, Long> expectedOnHand = new TreeMap<>();
        Map<String, Integer> deductedByCommand = new HashMap<>();
        Map<String, List<String>> commandsByTrigger = new HashMap<>();
        Map<String, Integer> reactions = new HashMap<>();
        // per drug: the units on hand after each of its events, by stream sequence
        Map<String, TreeMap<Long, Integer>> onHandAfter = new HashMap<>();
        // per triggering event id: the stream sequence of the first event its reaction stored
        Map<String, Long> reactionSequences = new HashMap<>();
        TreeMap<Long, Trigger> triggers = new TreeMap<>();
        List<String> negative = new ArrayList<>();
        List<String> deductedTwice = new ArrayList<>();
        for (RecordedEvent e : all) {
            if (!e.entity().category().value().equals(InventoryDecider.TYPE.category())) {
                continue;
            }
            InventoryEvent event = InstancesScenario.INVENTORY.decode(e.event());
            actual.merge(
                    event.drug(), stock.evolve(Inventory.EMPTY, event), (old, ignored) -> stock.evolve(old, event));
            if (actual.get(event.drug()).onHand() < 0) {
                negative.add(event.drug() + " at " + e.sequence());
            }
            if (event instanceof InventoryEvent.StockReceived r) {
                expectedOnHand.merge(r.drug(), (long) r.quantity(), Long::sum);
            }
            if (event instanceof InventoryEvent.StockDeducted d) {
                expectedOnHand.merge(d.drug(), (long) -d.quantity(), Long::sum);
                if (deductedByCommand.put(e.commandId(), d.quantity()) != null) {
                    deductedTwice.add(e.commandId());
                }
            }
            e.causationId()
                    .ifPresent(trigger -> commandsByTrigger
                            .computeIfAbsent(trigger, t -> new ArrayList<>())
                            .add(e.commandId()));
            onHandAfter
                    .computeIfAbsent(event.drug(), d -> new TreeMap<>())
                    .put(e.sequence(), actual.get(event.drug()).onHand());
            e.causationId().ifPresent(trigger -> reactionSequences.putIfAbsent(trigger, e.sequence()));
            int owes = process.react(PharmacyProcess.ReorderState.IDLE, event).size();
            reactions.put(e.eventId(), owes);
            if (owes > 0) {
                triggerSequences.add(e.sequence());
                triggers.put(e.sequence(), new Trigger(e.eventId(), event.drug()));
            }
        }
        if (!negative.isEmpty()) {
            problems.add("stock below zero: " + first(negative));
        }
        if (!deductedTwice.isEmpty()) {
            problems.add("a dispense deducted stock twice: " + first(deductedTwice));
        }
        for (String drug : InstancesScenario.DRUGS) {
            long want = expectedOnHand.getOrDefault(drug, 0L);
            Inventory have = actual.getOrDefault(drug, Inventory.EMPTY);
            if (want != have.onHand()) {
                problems.add("stock of " + drug + ": on hand " + have.onHand() + " where receipts minus deductions"
                        + " are " + want);
            }
        }
        // a dispense and its deduction are one atomic append: the same command id on both entities, same units
        Map<String, Integer> dispensedByCommand = new HashMap<>();
        for (RecordedEvent e : prescriptionEvents) {
            if (InstancesScenario.PRESCRIPTIONS.decode(e.event()) instanceof PrescriptionEvent.DrugDispensed d) {
                dispensedByCommand.put(e.commandId(), d.quantity());
            }
        }
        if (!dispensedByCommand.equals(deductedByCommand)) {
            Set<String> onlyDispensed = new TreeSet<>(dispensedByCommand.keySet());
            onlyDispensed.removeAll(deductedByCommand.keySet());
            Set<String> onlyDeducted = new TreeSet<>(deductedByCommand.keySet());
            onlyDeducted.removeAll(dispensedByCommand.keySet());
            problems.add("dispenses and stock deductions disagree: " + dispensedByCommand.size() + " dispenses, "
                    + deductedByCommand.size() + " deductions; dispensed without deduction "
                    + first(new ArrayList<>(onlyDispensed)) + ", deducted without dispense "
                    + first(new ArrayList<>(onlyDeducted)));
        }
        // the process manager (reorders) never stores a reaction twice, nor reacts to what asks for nothing
        List<String> repeated = new ArrayList<>();
        for (Map.Entry<String, List<String>> stored : commandsByTrigger.entrySet()) {
            List<String> ids = stored.getValue();
            int want = reactions.getOrDefault(stored.getKey(), 0);
            if (ids.size() > want || ids.stream().distinct().count() < ids.size()) {
                repeated.add(stored.getKey() + " caused " + ids);
            }
        }
        if (!repeated.isEmpty()) {
            problems.add("process manager reactions stored more than once: " + repeated.size() + ", e.g. "
                    + first(repeated));
        }
        // ...and stores every reaction it owes: each triggering deduction caused exactly its reactions – unless the
        // stock decided the reorder when it no longer needed one. The process reacts to its events in stream
        // order, so the reorder for a trigger was decided after the trigger and before the reaction to any later
        // trigger was stored; a reorder decides nothing when the drug is back at or above the threshold then
        // (stock received meanwhile). Only a drug at or above the threshold somewhere in that window excuses it.
        List<String> owed = new ArrayList<>();
        int excused = 0;
        for (Map.Entry<Long, Trigger> t : triggers.entrySet()) {
            Trigger trigger = t.getValue();
            int want = reactions.get(trigger.eventId());
            int stored =
                    commandsByTrigger.getOrDefault(trigger.eventId(), List.of()).size();
            if (stored >= want) {
                continue;
            }
            // the later triggers of the same process: of the same shard (positions, InstancesScenario.OFFSET)
            long shardEnd = (t.getKey() / InstancesScenario.OFFSET + 1) * InstancesScenario.OFFSET;
            long windowEnd = triggers.subMap(t.getKey(), false, shardEnd, false).values().stream()
                    .map(later -> reactionSequences.get(later.eventId()))
                    .filter(Objects::nonNull)
                    .min(Long::compare)
                    .orElse(Long.MAX_VALUE);
            boolean backAboveThreshold =
                    onHandAfter.get(trigger.drug()).subMap(t.getKey(), false, windowEnd, false).values().stream()
                            .anyMatch(units -> units >= PharmacyProcess.DEFAULT_THRESHOLD);
            if (backAboveThreshold) {
                excused++;
            } else {
                owed.add(trigger.eventId() + " (sequence " + t.getKey() + ", " + trigger.drug() + ") caused " + stored
                        + " of " + want);
            }
        }
        if (!owed.isEmpty()) {
            problems.add("process manager reactions never stored: " + owed.size() + ", e.g. " + first(owed));
        }
        reorderedTooLate = excused;
        reactionsOwed = reactions.values().stream().mapToInt(Integer::intValue).sum();
    }

    static List<String> union(Map<String, Integer> a, Map<String, Integer> b) {
        TreeMap<String, Integer> all = new TreeMap<>(a);
        all.putAll(b);
        return new ArrayList<>(all.keySet());
    }

    static String first(List<String> items) {
        return items.stream().limit(3).collect(Collectors.joining("; ", "[", items.size() > 3 ? "; ...]" : "]"));
    }
}
