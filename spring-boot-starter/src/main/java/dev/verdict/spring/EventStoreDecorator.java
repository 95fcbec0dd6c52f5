package dev.verdict.spring;

import dev.verdict.store.EventStore;

/**
 * Wraps the event store the starter's {@code CommandRuntime} writes through – e.g. the store meters ({@code
 * dev.verdict.spring.metrics.MeteredEventStore}). The store bean itself is left as it is (health checks and the
 * application see the real store). A decorator must keep every guarantee of {@link EventStore}: delegate each call
 * unchanged (also {@code versionAsync} and {@code streamIdentity}) and rethrow what the store throws.
 *
 * <pre>{@code
 * @Bean
 * EventStoreDecorator logging() {
 *     return store -> new LoggingEventStore(store);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface EventStoreDecorator {

    /** The store to use instead of {@code store}; never null (return {@code store} to leave it). */
    EventStore decorate(EventStore store);
}
