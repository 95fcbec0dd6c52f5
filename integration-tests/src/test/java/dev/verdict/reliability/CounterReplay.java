package dev.verdict.reliability;

import dev.verdict.reliability.BoundedCounter.Counter;
import dev.verdict.reliability.StoredMessages.Stored;
import dev.verdict.store.EncodedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the counters' events straight from the stored messages (no runtime, no cache, no snapshot) and checks the
 * domain invariant after every event.
 *
 * @param counters the state of every counter after all its events
 * @param violations every event after which a counter left {@code 0..LIMIT}
 */
record CounterReplay(Map<String, Counter> counters, List<String> violations) {

    static CounterReplay of(List<Stored> stored, String subjectPrefix) {
        Map<String, Counter> counters = new HashMap<>();
        List<String> violations = new ArrayList<>();
        for (Stored s : stored) {
            if (!s.subject().startsWith(subjectPrefix) || s.type().isEmpty()) {
                continue;
            }
            String id = s.subject().substring(subjectPrefix.length());
            BoundedCounter.Event event =
                    BoundedCounter.CODEC.decode(new EncodedEvent(s.type().get(), s.schemaVersion(), s.data()));
            Counter next = BoundedCounter.evolve(counters.getOrDefault(id, Counter.EMPTY), event);
            if (next.value() < 0 || next.value() > BoundedCounter.LIMIT) {
                violations.add(id + " is " + next.value() + " after #" + s.sequence());
            }
            counters.put(id, next);
        }
        return new CounterReplay(counters, List.copyOf(violations));
    }
}
