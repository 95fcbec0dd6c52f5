package dev.verdict.examples.pharmacy.app;

import dev.verdict.decider.DomainRejection;
import java.util.Objects;

/**
 * What became of a command, as a value: the entity's state and version after it, or the domain's refusal (from the
 * runtime's {@code Outcome.Rejected}). The API maps it to HTTP ({@link ApiErrors#decided}); nothing is thrown.
 */
sealed interface Decided<S> {
    /** The command was accepted (or changed nothing): the entity after it. */
    record Done<S>(Versioned<S> result) implements Decided<S> {
        public Done {
            Objects.requireNonNull(result, "result");
        }
    }

    /** The domain refused the command: nothing was stored. */
    record Refused<S>(DomainRejection rejection) implements Decided<S> {
        public Refused {
            Objects.requireNonNull(rejection, "rejection");
        }
    }
}
