package dev.verdict.examples.pharmacy;

import dev.verdict.examples.pharmacy.PharmacyProcess.ReorderState;
import dev.verdict.store.StateCodec;
import dev.verdict.store.codec.JsonStateCodec;
import java.nio.charset.StandardCharsets;

/**
 * The stored state of a {@link PharmacyProcess} instance: {@link ReorderState} as JSON – and the previous release's
 * entries, which stored the stateless process's {@code "INSTANCE"}, read as {@link ReorderState#IDLE} (an ended
 * instance). The fingerprint stays the previous release's, so its entries are read instead of refused; a later change
 * of {@link ReorderState} must read this form too, or bump the fingerprint and rebuild the process.
 *
 * <pre>{@code
 * StateCodec<ReorderState> codec = PharmacyProcessStateCodec.INSTANCE;
 * codec.decode("\"INSTANCE\"".getBytes(UTF_8));     // ReorderState[awaiting=false, followedUp=false]
 * }</pre>
 */
public final class PharmacyProcessStateCodec implements StateCodec<ReorderState> {
    /** The codec. */
    public static final PharmacyProcessStateCodec INSTANCE = new PharmacyProcessStateCodec();

    @SuppressWarnings("deprecation")
    private static final String PREVIOUS_FINGERPRINT =
            JsonStateCodec.of(PharmacyProcess.Stateless.class).fingerprint();

    private static final String PREVIOUS_STATE = "\"INSTANCE\"";

    private final JsonStateCodec<ReorderState> json = JsonStateCodec.of(ReorderState.class);

    private PharmacyProcessStateCodec() {}

    @Override
    public byte[] encode(ReorderState state) {
        return json.encode(state);
    }

    @Override
    public ReorderState decode(byte[] bytes) {
        if (new String(bytes, StandardCharsets.UTF_8).strip().equals(PREVIOUS_STATE)) {
            return ReorderState.IDLE;
        }
        return json.decode(bytes);
    }

    @Override
    public String fingerprint() {
        return PREVIOUS_FINGERPRINT;
    }
}
