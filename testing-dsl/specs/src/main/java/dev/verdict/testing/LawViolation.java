package dev.verdict.testing;

import java.util.List;
import org.opentest4j.AssertionFailedError;

/**
 * A {@link DeciderLaws} law does not hold: thrown by the {@code check…} methods with a message that names the law,
 * the command sequence (jqwik shrinks it to a minimal one), the step where the law broke and why.
 *
 * <pre>{@code
 * try {
 *     laws.checkInvariants(commands);
 * } catch (LawViolation v) {
 *     v.law();        // "invariant 'balance is never negative'"
 *     v.commands();   // [Open[owner=a], Withdraw[amount=1]]
 * }
 * }</pre>
 */
public final class LawViolation extends AssertionFailedError {
    private static final long serialVersionUID = 1L;

    private final String law;
    private final transient List<?> commands;

    LawViolation(String law, List<?> commands, String message, Throwable cause) {
        super(message, cause);
        this.law = law;
        this.commands = List.copyOf(commands);
    }

    /** The law that broke, e.g. {@code determinism} or {@code invariant 'balance is never negative'}. */
    public String law() {
        return law;
    }

    /** The whole command sequence of the counter-example, rejected commands included. */
    public List<?> commands() {
        return commands;
    }
}
