package dev.verdict.store;

/**
 * Turns a decider's state into bytes for snapshots, and back.
 *
 * <p>The {@link #fingerprint()} identifies the state's shape: when the state type changes (a field added, renamed
 * or retyped), the fingerprint changes and old snapshots are ignored instead of being misread. The JSON
 * implementation derives it from the record structure; a user may override it.
 *
 * @param <S> the state type
 */
public interface StateCodec<S> {

    byte[] encode(S state);

    /**
     * The state these bytes encode.
     *
     * @throws StateDecodingFailed (an {@link IllegalArgumentException}) when the bytes are not a state of this shape
     */
    S decode(byte[] bytes);

    /** A short string that changes whenever the state's shape changes. */
    String fingerprint();
}
