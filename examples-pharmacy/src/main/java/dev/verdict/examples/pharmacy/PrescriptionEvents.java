package dev.verdict.examples.pharmacy;

import dev.verdict.store.codec.JsonEventCodec;

/**
 * The prescriptions' event codec, built once: the registration and every reader of prescription events (the read
 * model, the expiry timers) use this one.
 *
 * <pre>{@code
 * Registration.of(PrescriptionDecider.TYPE, PrescriptionEvents.CODEC);
 * }</pre>
 */
public final class PrescriptionEvents {
    /** The codec every reader of prescription events uses. */
    public static final JsonEventCodec<PrescriptionEvent> CODEC = JsonEventCodec.of(PrescriptionEvent.class);

    private PrescriptionEvents() {}
}
