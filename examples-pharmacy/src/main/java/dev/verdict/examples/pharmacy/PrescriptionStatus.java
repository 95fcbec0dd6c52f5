package dev.verdict.examples.pharmacy;

import java.util.Locale;

/**
 * Where a prescription stands. {@link #COMPLETED}, {@link #CANCELLED} and {@link #EXPIRED} are terminal.
 *
 * <pre>
 * NONE --order--> ORDERED --verify--> VERIFIED --dispense--> DISPENSING --dispense--> FILLED --refill--> VERIFIED
 *                                                                    \--(last fill, no refills)--> COMPLETED
 * any but COMPLETED --cancel--> CANCELLED
 * any but COMPLETED, CANCELLED --expiry timer, at or after expiresAt--> EXPIRED
 * </pre>
 */
public enum PrescriptionStatus {
    /** No events yet. */
    NONE,
    ORDERED,
    /** Verified, nothing of the current fill dispensed yet. */
    VERIFIED,
    /** Part of the current fill dispensed. */
    DISPENSING,
    /** The current fill is complete and refills remain. */
    FILLED,
    COMPLETED,
    CANCELLED,
    /** Its expiry passed while it was open ({@code PrescriptionExpired}). */
    EXPIRED;

    /** The lower-case name used in the HTTP API and the read model, e.g. {@code dispensing}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether no command can change a prescription in this status any more. */
    public boolean isTerminal() {
        return this == COMPLETED || this == CANCELLED || this == EXPIRED;
    }
}
