package dev.verdict.examples.pharmacy;

import java.util.Locale;

/**
 * Where a prescription stands. {@link #COMPLETED} and {@link #CANCELLED} are terminal.
 *
 * <pre>
 * NONE --order--> ORDERED --verify--> VERIFIED --dispense--> DISPENSING --dispense--> FILLED --refill--> VERIFIED
 *                                                                    \--(last fill, no refills)--> COMPLETED
 * any but COMPLETED --cancel--> CANCELLED
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
    CANCELLED;

    /** The lower-case name used in the HTTP API and the read model, e.g. {@code dispensing}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether no command can change a prescription in this status any more. */
    public boolean isTerminal() {
        return this == COMPLETED || this == CANCELLED;
    }
}
