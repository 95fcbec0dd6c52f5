package dev.verdict.store;

import java.util.List;

/**
 * Turns a category's events into {@link EncodedEvent}s and back. The JSON implementation is {@code
 * dev.verdict.store.codec.JsonEventCodec}; write your own for other formats.
 *
 * <p>Decoding applies upcasters, so {@link #decode} always returns the current shape of an event, and it throws
 * {@link IllegalArgumentException} (with a reason) for an unknown type or an unreadable payload; stores wrap that in
 * {@link EventDecodingFailed} with stream, subject and sequence.
 *
 * @param <E> the event type, usually a sealed interface of records
 */
public interface EventCodec<E> {

    /** Encodes one event with its stable type name and current schema version. */
    EncodedEvent encode(E event);

    /**
     * Decodes a stored event that stands for exactly one current event, upcasting older schema versions.
     *
     * @throws IllegalArgumentException when it cannot, including when upcasting splits or drops the stored event
     */
    E decode(EncodedEvent encoded);

    /**
     * The current events a stored event stands for, in order: usually one; none when upcasting drops it, several
     * when it splits it. Every reader of the framework (entity loads, catch-ups, projections, process managers, the
     * history check) reads through this method; they all carry the stored message's sequence. The default is
     * {@code List.of(decode(encoded))}.
     *
     * @throws IllegalArgumentException as {@link #decode} does for an unreadable event
     */
    default List<E> decodeAll(EncodedEvent encoded) {
        return List.of(decode(encoded));
    }
}
