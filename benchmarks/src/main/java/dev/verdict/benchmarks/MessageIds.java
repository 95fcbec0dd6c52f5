package dev.verdict.benchmarks;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique message ids for the raw side, as cheap as possible (a run prefix and a counter): the raw baseline should
 * not pay for anything it does not have to.
 */
final class MessageIds {
    private final String prefix = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong counter = new AtomicLong();

    String next() {
        return prefix + "-" + counter.incrementAndGet();
    }
}
