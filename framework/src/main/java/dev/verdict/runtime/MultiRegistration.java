package dev.verdict.runtime;

import dev.verdict.decider.MultiDecider;
import dev.verdict.store.Category;
import java.util.Objects;

/**
 * A decision over several entities served by a {@link CommandRuntime}: a name (for metrics and logs, one token like a
 * category) and a {@link MultiDecider}. Every category the decider reads must be registered with the runtime too:
 * its {@link Registration} gives the codec of its events and, when the decider is built with {@link
 * MultiDecider#of(dev.verdict.decider.EntityRead, dev.verdict.decider.EntityRead, MultiDecider.DecideBoth)} over the
 * same deciders, the cached states, snapshots and snapshot policy.
 *
 * <pre>{@code
 * runtime.register(Registration.of(PrescriptionDecider.TYPE, prescriptionCodec));   // an EntityType each
 * runtime.register(Registration.of(InventoryDecider.TYPE, inventoryCodec));
 * MultiEntityHandle<DispenseFill, CombinedState<Prescription, Inventory>, Object> dispenses =
 *         runtime.register(MultiRegistration.of("dispense", Dispensing.DECIDER));
 * }</pre>
 *
 * @param <C> the command type
 * @param <S> the combined state
 * @param <E> the event type
 */
public final class MultiRegistration<C, S, E> {
    private final Category name;
    private final MultiDecider<C, S, E> decider;

    private MultiRegistration(Category name, MultiDecider<C, S, E> decider) {
        this.name = Objects.requireNonNull(name, "name");
        this.decider = Objects.requireNonNull(decider, "decider");
    }

    /** A decision named {@code name} (validated like a category), decided by {@code decider}. */
    public static <C, S, E> MultiRegistration<C, S, E> of(String name, MultiDecider<C, S, E> decider) {
        return new MultiRegistration<>(Category.of(name), decider);
    }

    /**
     * The decision's name, e.g. {@code dispense}: it names no entity category (the decider reads entities of the
     * categories it names itself), only the decision in metrics, logs and {@link CommandInterceptor}s.
     */
    public String name() {
        return name.value();
    }

    /** The name where the runtime's metrics and interceptors expect a category (they report it as one). */
    Category reportedAs() {
        return name;
    }

    public MultiDecider<C, S, E> decider() {
        return decider;
    }

    @Override
    public String toString() {
        return "MultiRegistration[" + name + "]";
    }
}
