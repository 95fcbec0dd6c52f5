package dev.verdict.runtime;

import dev.verdict.decider.DomainRejection;

/**
 * The rejection of a re-sent command, as the command-id index remembers it: the original {@link #code()} and message,
 * not the original exception type (the runtime does not decide a re-sent command again – deciding on today's state
 * could give another answer). Switch on {@link #code()}, which is stable, rather than on the rejection's class.
 *
 * <pre>{@code
 * if (outcome instanceof Outcome.Rejected<Prescription, RxEvent> rejected) {
 *     respond(409, rejected.rejection().code());   // the same code for the first answer and every repeat
 * }
 * }</pre>
 */
public final class RememberedRejection extends DomainRejection {
    private static final long serialVersionUID = 1L;

    RememberedRejection(String code, String message) {
        super(code, message);
    }
}
