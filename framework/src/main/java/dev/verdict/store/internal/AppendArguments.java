package dev.verdict.store.internal;

import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import java.util.List;
import java.util.Objects;

/** The checks every store makes on an append's arguments before anything else, worded once. */
public final class AppendArguments {
    private AppendArguments() {}

    /**
     * Refuses a {@code null} argument ({@link NullPointerException} naming it), a negative expected version and an
     * empty list of events ({@link IllegalArgumentException} saying why). The events themselves are the store's to
     * check (their sizes differ by store).
     */
    public static void require(EntityRef entity, long expectedVersion, List<?> events, CommandContext context) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(context, "context");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must be >= 0, was " + expectedVersion);
        }
        if (events.isEmpty()) {
            throw new IllegalArgumentException(
                    "an append needs at least one event; decide nothing means write nothing");
        }
    }
}
