package dev.verdict.store;

import java.util.List;

/**
 * Decodes a {@link RecordedEvent} with an {@link EventCodec}, turning the codec's {@link IllegalArgumentException}
 * into an {@link EventDecodingFailed} that names stream, subject, sequence and type – so a bad message fails the
 * fold loudly instead of being skipped.
 *
 * <pre>{@code
 * PrescriptionEvent e = EventDecoding.decode(store.name(), recorded, codec);          // exactly one
 * List<PrescriptionEvent> all = EventDecoding.decodeAll(store.name(), recorded, codec); // none, one or several
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
        List<E> events = decodeAll(store, recorded, codec);
        if (events.size() != 1) {
            throw failed(
                    store,
                    recorded,
                    new IllegalArgumentException(
                            "it upcasts to " + events.size() + " events, not one: read it with" + " decodeAll"));
        }
        return events.get(0);
    }

    /**
     * The current events the stored message stands for (none, one or several after upcasting), each to be read at
     * the message's sequence.
     *
     * @throws EventDecodingFailed when the codec cannot decode it (unknown type, bad payload, no upcaster path)
     */
    public static <E> List<E> decodeAll(StoreName store, RecordedEvent recorded, EventCodec<E> codec) {
        try {
            List<E> events = codec.decodeAll(recorded.event());
            if (events == null) {
                throw new IllegalArgumentException("the codec returned null");
            }
            for (E event : events) {
                if (event == null) {
                    throw new IllegalArgumentException("the codec returned a null event");
                }
            }
            return events;
        } catch (IllegalArgumentException e) {
            throw failed(store, recorded, e);
        }
    }

    private static EventDecodingFailed failed(StoreName store, RecordedEvent recorded, RuntimeException e) {
        return new EventDecodingFailed(
                store.value(),
                recorded.entity().subject(store.value()),
                recorded.sequence(),
                recorded.type(),
                e.getMessage(),
                e);
    }
}
