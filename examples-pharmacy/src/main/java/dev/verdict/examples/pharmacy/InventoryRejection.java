package dev.verdict.examples.pharmacy;

import dev.verdict.decider.DomainRejection;

/**
 * Every way the {@link InventoryDecider} refuses a command, each with a stable {@link #code()}:
 * {@code inventory.invalid-quantity}, {@code inventory.capacity-exceeded}, {@code inventory.insufficient-stock},
 * {@code inventory.already-reserved},
 * {@code inventory.unknown-reservation}, {@code inventory.exceeds-reservation}.
 */
public abstract sealed class InventoryRejection extends DomainRejection {
    private static final long serialVersionUID = 1L;

    InventoryRejection(String code, String message) {
        super(code, message);
    }

    public static final class InvalidQuantity extends InventoryRejection {
        private static final long serialVersionUID = 1L;

        public InvalidQuantity(int quantity) {
            super("inventory.invalid-quantity", "quantity must be at least 1, was " + quantity);
        }
    }

    /** Receiving would take the stock beyond {@link Inventory#MAX_ON_HAND}; nothing is received. */
    public static final class CapacityExceeded extends InventoryRejection {
        private static final long serialVersionUID = 1L;

        public CapacityExceeded(String drug, int quantity, int onHand) {
            super(
                    "inventory.capacity-exceeded",
                    "cannot receive " + quantity + " of " + drug + ": " + onHand + " on hand, at most "
                            + Inventory.MAX_ON_HAND + " fit");
        }
    }

    public static final class InsufficientStock extends InventoryRejection {
        private static final long serialVersionUID = 1L;

        public InsufficientStock(String drug, int requested, int available) {
            super(
                    "inventory.insufficient-stock",
                    "cannot take " + requested + " of " + drug + ", only " + available + " available");
        }
    }

    public static final class AlreadyReserved extends InventoryRejection {
        private static final long serialVersionUID = 1L;

        public AlreadyReserved(String reservationId, int reserved) {
            super(
                    "inventory.already-reserved",
                    "reservation " + reservationId + " already holds " + reserved + " units");
        }
    }

    public static final class UnknownReservation extends InventoryRejection {
        private static final long serialVersionUID = 1L;

        public UnknownReservation(String reservationId) {
            super("inventory.unknown-reservation", "nothing is reserved for " + reservationId);
        }
    }

    public static final class ExceedsReservation extends InventoryRejection {
        private static final long serialVersionUID = 1L;

        public ExceedsReservation(String reservationId, int requested, int reserved) {
            super(
                    "inventory.exceeds-reservation",
                    "cannot dispense " + requested + " from reservation " + reservationId + ", it holds " + reserved);
        }
    }
}
