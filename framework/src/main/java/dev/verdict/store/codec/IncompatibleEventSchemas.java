package dev.verdict.store.codec;

import java.util.List;

/**
 * Today's event records cannot read what the published schemas say is stored: thrown at start-up, before anything is
 * written. Each problem names the category, the event type and the field; fix it by raising the type's version
 * with an {@link Upcaster} (or an {@link EventUpcaster}) from the published version.
 */
public final class IncompatibleEventSchemas extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public IncompatibleEventSchemas(List<String> problems) {
        super("the event records are incompatible with the published schemas:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, naming category, type and field. */
    public List<String> problems() {
        return problems;
    }
}
