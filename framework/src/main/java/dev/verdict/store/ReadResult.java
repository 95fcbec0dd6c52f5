package dev.verdict.store;

/**
 * What a read delivered.
 *
 * @param eventsRead number of events passed to the sink
 * @param lastSequence sequence of the last event delivered, or the range's {@code afterVersion} when none was
 */
public record ReadResult(long eventsRead, long lastSequence) {}
