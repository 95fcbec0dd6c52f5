package dev.verdict.runtime;

import dev.verdict.decider.Decider;
import dev.verdict.decider.EntityType;
import dev.verdict.store.Category;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StateCodec;
import java.util.Objects;
import java.util.Optional;

/**
 * One kind of entity served by a {@link CommandRuntime}: its category, its decider, the codec of its events and,
 * optionally, the codec of its state with a {@link SnapshotPolicy}. Immutable; each {@code with...} returns a copy.
 *
 * <p>The category and decider usually come from the entity's {@link EntityType}, declared once next to its decider
 * (the codecs live here, with the runtime, because the pure {@code verdict-decider} artifact has none):
 *
 * <pre>{@code
 * Registration<RxCommand, Prescription, RxEvent> rx = Registration
 *         .of(PrescriptionDecider.TYPE, JsonEventCodec.of(RxEvent.class))   // category and decider from the type
 *         .withStateCodec(JsonStateCodec.of(Prescription.class))   // enables snapshots
 *         .withSnapshotPolicy(SnapshotPolicy.everyEvents(200));
 * EntityHandle<RxCommand, Prescription, RxEvent> prescriptions = runtime.register(rx);
 * }</pre>
 *
 * @param <C> the command type
 * @param <S> the state type
 * @param <E> the event type
 */
public final class Registration<C, S, E> {
    private final Category category;
    private final Decider<C, S, E> decider;
    private final EventCodec<E> eventCodec;
    private final Optional<StateCodec<S>> stateCodec;
    private final SnapshotPolicy<S> snapshotPolicy;

    private Registration(
            Category category,
            Decider<C, S, E> decider,
            EventCodec<E> eventCodec,
            Optional<StateCodec<S>> stateCodec,
            SnapshotPolicy<S> snapshotPolicy) {
        this.category = Objects.requireNonNull(category, "category");
        this.decider = Objects.requireNonNull(decider, "decider");
        this.eventCodec = Objects.requireNonNull(eventCodec, "eventCodec");
        this.stateCodec = Objects.requireNonNull(stateCodec, "stateCodec");
        this.snapshotPolicy = Objects.requireNonNull(snapshotPolicy, "snapshotPolicy");
    }

    /**
     * A registration of {@code type} – its category and its decider instance, the one its multi-entity reads fold
     * with – without snapshots.
     */
    public static <C, S, E> Registration<C, S, E> of(EntityType<C, S, E> type, EventCodec<E> eventCodec) {
        return of(Category.of(type.category()), type.decider(), eventCodec);
    }

    /** A registration without snapshots; {@code category} is validated (see {@link Category}). */
    public static <C, S, E> Registration<C, S, E> of(
            String category, Decider<C, S, E> decider, EventCodec<E> eventCodec) {
        return of(Category.of(category), decider, eventCodec);
    }

    /** A registration without snapshots. */
    public static <C, S, E> Registration<C, S, E> of(
            Category category, Decider<C, S, E> decider, EventCodec<E> eventCodec) {
        return new Registration<>(category, decider, eventCodec, Optional.empty(), SnapshotPolicy.defaults());
    }

    /** The same registration with a state codec: snapshots are read and written per the snapshot policy. */
    public Registration<C, S, E> withStateCodec(StateCodec<S> codec) {
        return new Registration<>(
                category, decider, eventCodec, Optional.of(Objects.requireNonNull(codec, "codec")), snapshotPolicy);
    }

    /** The same registration with another snapshot policy (default: {@link SnapshotPolicy#defaults()}). */
    public Registration<C, S, E> withSnapshotPolicy(SnapshotPolicy<S> policy) {
        return new Registration<>(category, decider, eventCodec, stateCodec, policy);
    }

    public Category category() {
        return category;
    }

    public Decider<C, S, E> decider() {
        return decider;
    }

    public EventCodec<E> eventCodec() {
        return eventCodec;
    }

    public Optional<StateCodec<S>> stateCodec() {
        return stateCodec;
    }

    public SnapshotPolicy<S> snapshotPolicy() {
        return snapshotPolicy;
    }

    @Override
    public String toString() {
        return "Registration[" + category + (stateCodec.isPresent() ? ", with snapshots" : "") + "]";
    }
}
