package dev.verdict.store.personal.internal;

import dev.verdict.store.personal.DataKeys;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of {@link DataKeys#onErasure}, for implementations of {@link DataKeys} (not API): {@link #add} registers one,
 * {@link #erased} calls each (a failing listener is logged, without the subject, and the others are still called).
 */
public final class ErasureListeners {
    private static final Logger LOG = LoggerFactory.getLogger(ErasureListeners.class);

    private final CopyOnWriteArrayList<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /** Registers {@code listener} until the answer is closed. */
    public DataKeys.Listening add(Consumer<String> listener) {
        Consumer<String> added = Objects.requireNonNull(listener, "listener");
        // a wrapper of its own, so that closing removes this registration even if the same listener is added twice
        Consumer<String> entry = added::accept;
        listeners.add(entry);
        return () -> listeners.remove(entry);
    }

    /** Tells every listener that {@code subject} was erased. */
    public void erased(String subject) {
        for (Consumer<String> listener : listeners) {
            try {
                listener.accept(subject);
            } catch (RuntimeException e) {
                LOG.warn(
                        "an erasure listener failed ({}); the others were still called",
                        e.getClass().getName());
            }
        }
    }

    /** Whether any listener is registered. */
    public boolean any() {
        return !listeners.isEmpty();
    }
}
