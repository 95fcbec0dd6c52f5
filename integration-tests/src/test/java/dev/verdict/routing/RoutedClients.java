package dev.verdict.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.runtime.Outcome;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EventStoreUnavailable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Client threads of the routing fault tests, sending {@link Tally.Count} commands (no limit) through routed entities as a
 * well-behaved service would: each command has its own id, and while its outcome is unknown ({@link
 * EventStoreUnavailable}, or {@link RoutedCommandFailed} when the owner's store was unavailable) it is sent again with
 * the same id, for up to 40 s. Every final answer is kept by command id.
 */
final class RoutedClients {
    final Map<String, Outcome<Tally, Tally.Event>> answers = new ConcurrentHashMap<>();
    final Map<String, Throwable> failures = new ConcurrentHashMap<>();
    final AtomicLong resends = new AtomicLong();
    private final List<RoutedEntity<Tally.Command, Tally, Tally.Event>> tallies;
    private final int clientsEach;
    private final Supplier<String> nextTally;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> clients = new ArrayList<>();

    /**
     * @param clientsEach client threads per routed entity (per instance)
     * @param nextTally the tally each command goes to
     */
    RoutedClients(
            List<RoutedEntity<Tally.Command, Tally, Tally.Event>> tallies,
            int clientsEach,
            Supplier<String> nextTally) {
        this.tallies = List.copyOf(tallies);
        this.clientsEach = clientsEach;
        this.nextTally = nextTally;
    }

    void start() {
        for (RoutedEntity<Tally.Command, Tally, Tally.Event> routed : tallies) {
            for (int c = 0; c < clientsEach; c++) {
                Thread client = new Thread(() -> {
                    while (!stop.get()) {
                        send(routed);
                    }
                });
                client.setDaemon(true);
                client.start();
                clients.add(client);
            }
        }
    }

    /** How many commands were answered so far. */
    int answered() {
        return answers.size();
    }

    private void send(RoutedEntity<Tally.Command, Tally, Tally.Event> routed) {
        CommandContext context = CommandContext.create();
        String id = nextTally.get();
        long giveUpAt = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (true) {
            try {
                answers.put(context.commandId(), routed.handle(id, new Tally.Count(Integer.MAX_VALUE), context));
                return;
            } catch (EventStoreUnavailable | RoutedCommandFailed e) { // outcome unknown: the same id again
                if (System.nanoTime() - giveUpAt > 0) {
                    failures.put(context.commandId(), e);
                    return;
                }
                resends.incrementAndGet();
            } catch (RuntimeException e) {
                failures.put(context.commandId(), e);
                return;
            }
        }
    }

    /** Lets every client finish its command (with its re-sends), then returns. */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread client : clients) {
            client.join(60_000);
            assertThat(client.isAlive())
                    .as("a client still waits for its command")
                    .isFalse();
        }
    }
}
