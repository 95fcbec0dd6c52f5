package dev.verdict.store;

import java.util.Objects;

/**
 * Snapshot bytes could not be turned back into a state: not the codec's format, trailing bytes after the value, a
 * field missing or of another type. It is an {@link IllegalArgumentException}, so every caller that already treats
 * undecodable bytes as "no usable snapshot" (the runtime re-derives the state from events) keeps doing so; the
 * message names the state type and what is wrong.
 *
 * <pre>{@code
 * try {
 *     Prescription state = codec.decode(bytes);
 * } catch (StateDecodingFailed e) {
 *     log.warn("snapshot of {} unreadable: {}", e.stateType(), e.getMessage());
 * }
 * }</pre>
 */
public final class StateDecodingFailed extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String stateType;

    /**
     * @param stateType the name of the state type the bytes were meant to be
     * @param reason what is wrong with the bytes
     * @param cause the parser's failure, if any ({@code null} for none)
     */
    public StateDecodingFailed(String stateType, String reason, Throwable cause) {
        super(
                "cannot decode a " + Objects.requireNonNull(stateType, "stateType") + " snapshot: "
                        + Objects.requireNonNull(reason, "reason"),
                cause);
        this.stateType = stateType;
    }

    /** The name of the state type the bytes were meant to be. */
    public String stateType() {
        return stateType;
    }
}
