package dev.verdict.examples.pharmacy;

import dev.verdict.decider.DomainRejection;
import java.time.Instant;

/**
 * Every way the {@link PrescriptionDecider} refuses a command. Each subclass has one stable {@link #code()} that the
 * HTTP API returns as {@code error} and that clients may switch on:
 *
 * <table>
 *   <caption>Rejection codes</caption>
 *   <tr><th>class</th><th>code</th><th>when</th></tr>
 *   <tr><td>{@link NotFound}</td><td>{@code prescription.not-found}</td><td>any command but an order on a
 *       prescription without events</td></tr>
 *   <tr><td>{@link AlreadyExists}</td><td>{@code prescription.already-exists}</td><td>ordering an existing id</td></tr>
 *   <tr><td>{@link InvalidQuantity}</td><td>{@code prescription.invalid-quantity}</td><td>ordering or dispensing
 *       less than one unit</td></tr>
 *   <tr><td>{@link InvalidRefills}</td><td>{@code prescription.invalid-refills}</td><td>ordering negative
 *       refills</td></tr>
 *   <tr><td>{@link AlreadyVerified}</td><td>{@code prescription.already-verified}</td><td>verifying twice</td></tr>
 *   <tr><td>{@link NotVerified}</td><td>{@code prescription.not-verified}</td><td>dispensing before
 *       verification</td></tr>
 *   <tr><td>{@link OverDispense}</td><td>{@code prescription.over-dispense}</td><td>dispensing more than remains in
 *       the fill</td></tr>
 *   <tr><td>{@link FillIncomplete}</td><td>{@code prescription.fill-incomplete}</td><td>refilling before the
 *       current fill is complete</td></tr>
 *   <tr><td>{@link NoRefillsLeft}</td><td>{@code prescription.no-refills-left}</td><td>refilling a completed
 *       prescription</td></tr>
 *   <tr><td>{@link Cancelled}</td><td>{@code prescription.cancelled}</td><td>any command after
 *       cancellation</td></tr>
 *   <tr><td>{@link Expired}</td><td>{@code prescription.expired}</td><td>dispensing or refilling at or after the
 *       expiry (also before the expiry timer recorded it), any command but the expiry on an expired one</td></tr>
 *   <tr><td>{@link InvalidExpiry}</td><td>{@code prescription.invalid-expiry}</td><td>ordering with an expiry at or
 *       before the order's time</td></tr>
 *   <tr><td>{@link Completed}</td><td>{@code prescription.completed}</td><td>verifying, dispensing or cancelling a
 *       completed prescription</td></tr>
 * </table>
 */
public abstract sealed class PrescriptionRejection extends DomainRejection {
    private static final long serialVersionUID = 1L;

    PrescriptionRejection(String code, String message) {
        super(code, message);
    }

    public static final class NotFound extends PrescriptionRejection {
        private static final long serialVersionUID = 1L;

        public NotFound() {
            super("prescription.not-found", "no such prescription: order it first");
        }
    }

    public static final class AlreadyExists extends PrescriptionRejection {
        private static final long serialVersionUID = 1L;

        public AlreadyExists(String prescriptionId) {
            super("prescription.already-exists", "prescription " + prescriptionId + " already exists");
        }
    }

    public static final class InvalidQuantity extends PrescriptionRejection {
        private static final long serialVersionUID = 1L;

        public InvalidQuantity(int quantity) {
            super("prescription.invalid-quantity", "quantity must be at least 1, was " + quantity);
        }
    }

    public static final class InvalidRefills extends PrescriptionRejection {
        private static final long serialVersionUID = 1L;

        public InvalidRefills(int refills) {
            super("prescription.invalid-refills", "refills must be 0 or more, was " + refills);
        }
    }

    public static final class AlreadyVerified extends PrescriptionRejection {
        private static final long serialVersionUID = 1L;

        public AlreadyVerified() {
            super("prescription.already-verified", "the prescription is already verified");
        }
    }

    public static final class NotVerified extends PrescriptionRejection {
        private static final long serialVersionUID = 1L;

        public NotVerified() {
            super("prescription.not-verified", "a pharmacist must verify the prescription before dispensing");
        }
    }

    public static final class OverDispense extends PrescriptionRejection {
        private static final long serialVersionUID = 1L;

        public OverDispense(int requested, int remaining) {
            super(
                    "prescription.over-dispense",
                    "cannot dispense " + requested + ", only " + remaining + " remain in this fill");
        }
    }

    public static final class FillIncomplete extends PrescriptionRejection {
        private static final long serialVersionUID = 1L;

        public FillIncomplete(int remaining) {
            super(
                    "prescription.fill-incomplete",
                    "cannot refill while the current fill has " + remaining + " left to dispense");
        }
    }

    public static final class NoRefillsLeft extends PrescriptionRejection {
        private static final long serialVersionUID = 1L;

        public NoRefillsLeft(int refillsAllowed) {
            super(
                    "prescription.no-refills-left",
                    "all " + refillsAllowed + " refills are used; the prescription is completed");
        }
    }

    public static final class Cancelled extends PrescriptionRejection {
        private static final long serialVersionUID = 1L;

        public Cancelled() {
            super("prescription.cancelled", "the prescription is cancelled");
        }
    }

    public static final class Completed extends PrescriptionRejection {
        private static final long serialVersionUID = 1L;

        public Completed() {
            super("prescription.completed", "the prescription is completed");
        }
    }

    public static final class Expired extends PrescriptionRejection {
        private static final long serialVersionUID = 1L;

        public Expired(Instant expiresAt) {
            super("prescription.expired", "the prescription expired at " + expiresAt);
        }
    }

    public static final class InvalidExpiry extends PrescriptionRejection {
        private static final long serialVersionUID = 1L;

        public InvalidExpiry(Instant expiresAt, Instant issuedAt) {
            super(
                    "prescription.invalid-expiry",
                    "expiresAt " + expiresAt + " must be after the order's time " + issuedAt);
        }
    }
}
