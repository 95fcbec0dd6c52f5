package dev.verdict.decider;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A business refusal of a command, thrown by {@link Decider#decide}.
 *
 * <p>The runtime maps it to a {@code Rejected} outcome: nothing is written, the command is never retried, and it is
 * never confused with a concurrency conflict or a bug. Subclass it per refusal so specs can name it:
 *
 * <pre>{@code
 * public final class OverDispense extends DomainRejection {
 *     public OverDispense(int requested, int remaining) {
 *         super("prescription.over-dispense", "cannot dispense " + requested + ", only " + remaining + " remain");
 *     }
 * }
 * }</pre>
 *
 * <p>Rejections carry no stack trace: they are expected outcomes, not errors, and are cheap to throw.
 */
public abstract class DomainRejection extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final Pattern CODE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    private final String code;

    /**
     * @param code stable, machine-readable code (lower case, digits, {@code . _ -}; e.g. {@code
     *     prescription.over-dispense}) that clients may switch on
     * @param message human-readable explanation
     */
    protected DomainRejection(String code, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        Objects.requireNonNull(code, "code");
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("rejection code '" + code
                    + "' must be 1-128 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
        }
        this.code = code;
    }

    /** The stable, machine-readable code of this refusal. */
    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + code + "]: " + getMessage();
    }
}
