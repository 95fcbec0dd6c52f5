package dev.verdict.reliability;

import dev.verdict.reliability.BoundedCounter.Command;
import dev.verdict.reliability.BoundedCounter.Counter;
import dev.verdict.reliability.BoundedCounter.Event;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EventStoreUnavailable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client threads sending random counter commands to a fixed set of entities, the way a well-behaved service would:
 * each command has its own id; after {@link EventStoreUnavailable} (outcome unknown) the same command is re-sent with
 * the same id until it gets an answer or the retry budget runs out; every other exception is a final, typed failure.
 * Every final answer goes into the {@link CommandLedger}.
 */
final class CommandLoad {
    private final EntityHandle<Command, Counter, Event> counters;
    private final CommandLedger ledger;
    private final int entities;
    private final Duration unknownOutcomeBudget;
    private final String prefix;
    private final AtomicLong ids = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    CommandLoad(
            EntityHandle<Command, Counter, Event> counters,
            CommandLedger ledger,
            int entities,
            Duration unknownOutcomeBudget,
            String prefix) {
        this.counters = counters;
        this.ledger = ledger;
        this.entities = entities;
        this.unknownOutcomeBudget = unknownOutcomeBudget;
        this.prefix = prefix;
    }

    static String entityId(int index) {
        return "c-" + index;
    }

    /** Starts {@code clients} client threads; they run until {@link #stop()}. */
    void start(int clients) {
        running = true;
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(this::clientLoop, "reliability-client-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Lets every client finish its current command (including its re-sends), then returns. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(unknownOutcomeBudget.toMillis() + 30_000);
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not finish its command");
            }
        }
        threads.clear();
    }

    private void clientLoop() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running) {
            String entity = entityId(random.nextInt(entities));
            int kind = random.nextInt(10);
            int amount = 1 + random.nextInt(3);
            Command command = kind < 5
                    ? new BoundedCounter.Add(amount)
                    : kind < 7 ? new BoundedCounter.AddTwice(amount) : new BoundedCounter.Take(amount);
            send(entity, command);
        }
    }

    /**
     * Sends one command with its own id, re-sending after an unknown outcome; records the final answer.
     *
     * @return the command's ledger entry
     */
    CommandLedger.Entry send(String entity, Command command) {
        String commandId = prefix + "-" + ids.incrementAndGet();
        CommandContext context = CommandContext.withCommandId(commandId);
        ledger.sent();
        long deadline = System.nanoTime() + unknownOutcomeBudget.toNanos();
        int sends = 0;
        while (true) {
            sends++;
            try {
                Outcome<Counter, Event> outcome = counters.handle(entity, command, context);
                ledger.record(commandId, entity, outcome, sends);
                return ledger.entry(commandId);
            } catch (EventStoreUnavailable e) {
                if (System.nanoTime() > deadline) {
                    ledger.recordFailure(commandId, entity, e, sends);
                    return ledger.entry(commandId);
                }
                ledger.resent();
                pause(200);
            } catch (RuntimeException e) {
                ledger.recordFailure(commandId, entity, e, sends);
                return ledger.entry(commandId);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
