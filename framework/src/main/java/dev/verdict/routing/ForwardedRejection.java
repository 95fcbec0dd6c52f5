package dev.verdict.routing;

import dev.verdict.decider.DomainRejection;

/**
 * A {@link DomainRejection} the owner of an entity answered for a command this instance forwarded to it: the same code
 * and message as the decider's, not its class.
 *
 * <pre>{@code
 * if (outcome instanceof Outcome.Rejected<Prescription, RxEvent> rejected) {
 *     respond(409, rejected.rejection().code()); // same code, decided here or on the owner
 * }
 * }</pre>
 */
public final class ForwardedRejection extends DomainRejection {
    private static final long serialVersionUID = 1L;

    ForwardedRejection(String code, String message) {
        super(code, message);
    }
}
