package dev.verdict.projection;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** A projection that records the sequences it applied (and fails on a poison one), around another projection. */
final class RecordingProjection<E> implements Projection<E> {
    private final Projection<E> inner;
    private final List<Long> applied;
    private final long poison;

    RecordingProjection(Projection<E> inner, List<Long> applied) {
        this(inner, applied, -1);
    }

    RecordingProjection(Projection<E> inner, List<Long> applied, long poison) {
        this.inner = inner;
        this.applied = applied;
        this.poison = poison;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public OptionalLong checkpoint() {
        return inner.checkpoint();
    }

    @Override
    public void apply(DeliveredEvent<E> event) {
        if (event.sequence() == poison) {
            throw new IllegalStateException("poison event " + poison);
        }
        inner.apply(event);
        synchronized (applied) {
            applied.add(event.sequence());
        }
    }

    @Override
    public Optional<String> streamIdentity() {
        return inner.streamIdentity();
    }

    @Override
    public void recordStreamIdentity(String identity) {
        inner.recordStreamIdentity(identity);
    }

    @Override
    public void reset() {
        inner.reset();
    }
}
