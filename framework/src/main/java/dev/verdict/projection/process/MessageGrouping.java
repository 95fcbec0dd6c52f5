package dev.verdict.projection.process;

import dev.verdict.decider.ProcessManager;
import dev.verdict.projection.DeliveredEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a process host groups what it is delivered: a batch into stored messages (the events of a message that upcasting
 * split share its sequence), and a message's events by the instances they concern.
 */
final class MessageGrouping {
    private MessageGrouping() {}

    /** The batch cut into stored messages, in order: consecutive events with the same sequence form one message. */
    static <E> List<List<DeliveredEvent<E>>> bySequence(List<DeliveredEvent<E>> events) {
        List<List<DeliveredEvent<E>>> messages = new ArrayList<>();
        int from = 0;
        while (from < events.size()) {
            int to = from + 1;
            while (to < events.size()
                    && events.get(to).sequence() == events.get(from).sequence()) {
                to++;
            }
            messages.add(events.subList(from, to));
            from = to;
        }
        return messages;
    }

    /** The instances the message concerns, in the order they are first named, each with its events in order. */
    static <E> Map<String, List<E>> byInstance(List<DeliveredEvent<E>> message, ProcessManager<E, ?, ?> process) {
        Map<String, List<E>> byInstance = new LinkedHashMap<>();
        for (DeliveredEvent<E> event : message) {
            for (String key : process.instancesOf(event.event())) {
                byInstance.computeIfAbsent(key, k -> new ArrayList<>()).add(event.event());
            }
        }
        return byInstance;
    }
}
