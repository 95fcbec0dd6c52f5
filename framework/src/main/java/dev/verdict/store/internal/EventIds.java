package dev.verdict.store.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random version-4 UUIDs for event and batch ids, drawn from {@link ThreadLocalRandom} instead of the shared
 * {@code SecureRandom} behind {@link UUID#randomUUID()}: these ids must be unique, not unguessable, and the
 * shared generator is a lock every writing thread would queue on. Command ids that cross trust boundaries should
 * still come from the caller (an idempotency key) or {@link dev.verdict.store.CommandContext#create()}.
 */
public final class EventIds {
    private EventIds() {}

    /** A new random (version 4, IETF variant) UUID as text. */
    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return version4(random.nextLong(), random.nextLong());
    }

    /** The text of a version-4, IETF-variant UUID with these random bits (the version and variant bits are set). */
    static String version4(long randomMost, long randomLeast) {
        long most = (randomMost & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
        long least = (randomLeast & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }
}
