package dev.verdict.store.internal;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Unguessable version-4 UUIDs for command ids, from a cryptographically strong generator, without the cost of {@link
 * UUID#randomUUID()}: that draws 16 bytes at a time from one JVM-wide generator behind a lock, which every writing
 * thread queues on. Here a small set of generators (DRBG where available), chosen by thread, each hands out random
 * bytes from a buffer it refills in bulk.
 */
public final class RandomIds {
    private static final int BUFFER = 512; // 32 UUIDs per refill
    /** Created on first use; an atomic array so a source is seen fully constructed by every thread. */
    private static final AtomicReferenceArray<Source> SOURCES = new AtomicReferenceArray<>(stripes());

    private RandomIds() {}

    /** A new random (version 4, IETF variant) UUID as text. */
    public static String next() {
        int i = (int) (Thread.currentThread().getId() * 0x9E3779B97F4A7C15L >>> 40) & (SOURCES.length() - 1);
        Source source = SOURCES.get(i);
        if (source == null) {
            SOURCES.compareAndSet(i, null, new Source());
            source = SOURCES.get(i);
        }
        long most;
        long least;
        synchronized (source) {
            most = source.nextLong();
            least = source.nextLong();
        }
        return EventIds.version4(most, least);
    }

    private static int stripes() {
        int wanted = Math.max(4, 4 * Runtime.getRuntime().availableProcessors());
        return Integer.highestOneBit(Math.min(wanted, 256) - 1) << 1;
    }

    /** One generator and the unread part of its last output. Guarded by its own monitor. */
    private static final class Source {
        private final SecureRandom random = strongest();
        private final byte[] bytes = new byte[BUFFER];
        private int next = BUFFER;

        long nextLong() {
            if (next == BUFFER) {
                random.nextBytes(bytes);
                next = 0;
            }
            long v = 0;
            for (int k = 0; k < 8; k++) {
                v = (v << 8) | (bytes[next + k] & 0xFF);
            }
            next += 8;
            return v;
        }

        private static SecureRandom strongest() {
            try {
                return SecureRandom.getInstance("DRBG");
            } catch (NoSuchAlgorithmException e) {
                return new SecureRandom();
            }
        }
    }
}
