package dev.verdict.store;

/**
 * Decodes a {@link RecordedEvent} with an {@link EventCodec}, turning the codec's {@link IllegalArgumentException}
 * into an {@link EventDecodingFailed} that names stream, subject, sequence and type – so a bad message fails the
 * fold loudly instead of being skipped.
 *
 * <pre>{@code
 * PrescriptionEvent e = EventDecoding.decode(store.name(), recorded, codec);
 * }</pre>
 */
public final class EventDecoding {
    private EventDecoding() {}

    /**
     * The decoded event.
     *
     * @throws EventDecodingFailed when the codec cannot decode it (unknown type, bad payload, no upcaster path)
     */
    public static <E> E decode(StoreName store, RecordedEvent recorded, EventCodec<E> codec) {
        try {
            E event = codec.decode(recorded.event());
            if (event == null) {
                throw new IllegalArgumentException("the codec returned null");
            }
            return event;
        } catch (IllegalArgumentException e) {
            throw new EventDecodingFailed(
                    store.value(),
                    recorded.entity().subject(store.value()),
                    recorded.sequence(),
                    recorded.type(),
                    e.getMessage(),
                    e);
        }
    }
}
