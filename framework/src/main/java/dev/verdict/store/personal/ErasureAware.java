package dev.verdict.store.personal;

import java.util.function.Consumer;

/**
 * A codec whose decoded values may hold decrypted personal data – the codecs of {@link PersonalDataCodec}. Whoever
 * keeps decoded values in memory listens here and drops them when a data subject is erased: the command runtime
 * drops the cached entity states of every category registered with such a codec (see docs/personal-data.md).
 *
 * <pre>{@code
 * if (codec instanceof ErasureAware aware) {
 *     DataKeys.Listening listening = aware.onErasure(subject -> memory.clear());
 * }
 * }</pre>
 */
public interface ErasureAware {

    /** {@link DataKeys#onErasure} of the data keys the codec decrypts with. */
    DataKeys.Listening onErasure(Consumer<String> listener);
}
