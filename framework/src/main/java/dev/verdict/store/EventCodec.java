package dev.verdict.store;

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

    /** Decodes a stored event, upcasting older schema versions. */
    E decode(EncodedEvent encoded);
}
