package dev.verdict.projection;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Appends a few counter events every 20 ms on its own thread while running, recording what it appended (events and
 * their sequences) so a test can compare a read model with a replay of exactly those events.
 */
final class CounterLoad {
    private final EventStreamFixture stream;
    private final Random random;
    private final List<CounterEvent> events = new ArrayList<>();
    private final List<Long> sequences = new ArrayList<>();
    private volatile boolean running;
    private volatile Exception failure;
    private Thread thread;

    CounterLoad(EventStreamFixture stream, long seed) {
        this.stream = stream;
        this.random = new Random(seed);
    }

    /** Starts (or resumes) appending. */
    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "counter-load");
        thread.start();
    }

    /** Stops appending and waits until the last append was acknowledged. */
    void stop() throws InterruptedException {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            t.join(10_000);
        }
    }

    private void run() {
        try {
            while (running) {
                List<CounterEvent> more = JdbcProjectionContract.counterEvents(5, random);
                List<Long> appended = stream.append(more);
                synchronized (this) {
                    events.addAll(more);
                    sequences.addAll(appended);
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
        }
    }

    /** The sequence of the last event appended so far (0 before the first). */
    synchronized long lastSequence() {
        check();
        return sequences.isEmpty() ? 0 : sequences.get(sequences.size() - 1);
    }

    /** What the counter read model must hold after exactly the events appended so far. */
    synchronized List<String> expectedReadModel() {
        check();
        return CounterReadModel.expected(events, sequences);
    }

    synchronized int appended() {
        return events.size();
    }

    private void check() {
        if (failure != null) {
            throw new AssertionError("appending events failed", failure);
        }
    }
}
