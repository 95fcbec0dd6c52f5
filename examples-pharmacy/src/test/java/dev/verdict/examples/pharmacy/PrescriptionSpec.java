package dev.verdict.examples.pharmacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.examples.pharmacy.PrescriptionCommand.CancelPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.DispenseDrug;
import dev.verdict.examples.pharmacy.PrescriptionCommand.ExpirePrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.OrderPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.RefillPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.VerifyPrescription;
import dev.verdict.examples.pharmacy.PrescriptionEvent.DrugDispensed;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCancelled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCompleted;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionExpired;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionOrdered;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionRefilled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionVerified;
import dev.verdict.testing.DeciderSpec;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every command path of a prescription, including every rejection, as given/when/then. */
class PrescriptionSpec {
    static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    static final Instant T1 = T0.plusSeconds(3600);
    static final Instant T2 = T0.plusSeconds(7200);
    static final Instant T3 = T0.plusSeconds(10800);

    static final String RX = "rx-42";
    static final String DRUG = "amoxicillin-500mg";

    static final OrderPrescription ORDER =
            new OrderPrescription(RX, "patient-7", DRUG, 30, "tablet", 1, "dr-house", T0);
    static final PrescriptionOrdered ORDERED =
            new PrescriptionOrdered(RX, "patient-7", DRUG, 30, "tablet", 1, "dr-house", T0);
    static final PrescriptionVerified VERIFIED = new PrescriptionVerified(RX, "pharmacist-1", DRUG, 30, T1);
    static final DrugDispensed FIRST_FILL_DONE = new DrugDispensed(RX, DRUG, 1, 30, 0, T2);
    static final PrescriptionRefilled REFILLED = new PrescriptionRefilled(RX, DRUG, 2, 30, 0, T3);

    private static DeciderSpec<PrescriptionCommand, Prescription, PrescriptionEvent> spec() {
        return DeciderSpec.of(new PrescriptionDecider());
    }

    @Nested
    class Ordering {
        @Test
        void ordersANewPrescription() {
            spec().givenNothing().when(ORDER).then(ORDERED);
        }

        @Test
        void rejectsOrderingAnExistingPrescription() {
            spec().given(ORDERED).when(ORDER).thenRejected(PrescriptionRejection.AlreadyExists.class);
        }

        @Test
        void rejectsOrderingLessThanOneUnit() {
            spec().givenNothing()
                    .when(new OrderPrescription(RX, "patient-7", DRUG, 0, "tablet", 1, "dr-house", T0))
                    .thenRejected("prescription.invalid-quantity");
        }

        @Test
        void rejectsOrderingNegativeRefills() {
            spec().givenNothing()
                    .when(new OrderPrescription(RX, "patient-7", DRUG, 30, "tablet", -1, "dr-house", T0))
                    .thenRejected(PrescriptionRejection.InvalidRefills.class);
        }
    }

    @Nested
    class Verifying {
        @Test
        void verifiesAnOrderedPrescriptionForItsFirstFill() {
            spec().given(ORDERED)
                    .when(new VerifyPrescription("pharmacist-1", T1))
                    .then(VERIFIED);
        }

        @Test
        void rejectsVerifyingAnUnknownPrescription() {
            spec().givenNothing()
                    .when(new VerifyPrescription("pharmacist-1", T1))
                    .thenRejected(PrescriptionRejection.NotFound.class);
        }

        @Test
        void rejectsVerifyingTwice() {
            spec().given(ORDERED, VERIFIED)
                    .when(new VerifyPrescription("pharmacist-2", T2))
                    .thenRejected(PrescriptionRejection.AlreadyVerified.class);
        }

        @Test
        void rejectsVerifyingACancelledPrescription() {
            spec().given(ORDERED, new PrescriptionCancelled(RX, DRUG, "duplicate", 0, T1))
                    .when(new VerifyPrescription("pharmacist-1", T2))
                    .thenRejected(PrescriptionRejection.Cancelled.class);
        }
    }

    @Nested
    class Dispensing {
        @Test
        void dispensesPartOfAFill() {
            spec().given(ORDERED, VERIFIED)
                    .when(new DispenseDrug(10, T2))
                    .then(new DrugDispensed(RX, DRUG, 1, 10, 20, T2));
        }

        @Test
        void dispensesTheRestOfAFillAndWaitsForARefill() {
            spec().given(ORDERED, VERIFIED, new DrugDispensed(RX, DRUG, 1, 10, 20, T2))
                    .when(new DispenseDrug(20, T3))
                    .then(new DrugDispensed(RX, DRUG, 1, 20, 0, T3))
                    .thenState(state -> {
                        assertThat(state.status()).isEqualTo(PrescriptionStatus.FILLED);
                        assertThat(state.remaining()).isZero();
                        assertThat(state.refillsLeft()).isEqualTo(1);
                    });
        }

        @Test
        void completesThePrescriptionWhenTheLastFillIsDispensed() {
            spec().given(ORDERED, VERIFIED, FIRST_FILL_DONE, REFILLED)
                    .when(new DispenseDrug(30, T3))
                    .then(new DrugDispensed(RX, DRUG, 2, 30, 0, T3), new PrescriptionCompleted(RX, 2, T3));
        }

        @Test
        void rejectsDispensingBeforeVerification() {
            spec().given(ORDERED).when(new DispenseDrug(10, T1)).thenRejected(PrescriptionRejection.NotVerified.class);
        }

        @Test
        void rejectsDispensingMoreThanRemaining() {
            spec().given(ORDERED, VERIFIED, new DrugDispensed(RX, DRUG, 1, 25, 5, T2))
                    .when(new DispenseDrug(6, T3))
                    .thenRejected(PrescriptionRejection.OverDispense.class);
        }

        @Test
        void rejectsDispensingFromACompleteFillUntilRefilled() {
            spec().given(ORDERED, VERIFIED, FIRST_FILL_DONE)
                    .when(new DispenseDrug(1, T3))
                    .thenRejected("prescription.over-dispense");
        }

        @Test
        void rejectsDispensingLessThanOneUnit() {
            spec().given(ORDERED, VERIFIED)
                    .when(new DispenseDrug(0, T2))
                    .thenRejected(PrescriptionRejection.InvalidQuantity.class);
        }

        @Test
        void rejectsDispensingAnUnknownPrescription() {
            spec().givenNothing().when(new DispenseDrug(1, T2)).thenRejected(PrescriptionRejection.NotFound.class);
        }

        @Test
        void rejectsDispensingAfterCancellation() {
            spec().given(ORDERED, VERIFIED, new PrescriptionCancelled(RX, DRUG, "allergy", 30, T2))
                    .when(new DispenseDrug(1, T3))
                    .thenRejected(PrescriptionRejection.Cancelled.class);
        }

        @Test
        void rejectsDispensingACompletedPrescription() {
            spec().given(
                            ORDERED,
                            VERIFIED,
                            FIRST_FILL_DONE,
                            REFILLED,
                            new DrugDispensed(RX, DRUG, 2, 30, 0, T3),
                            new PrescriptionCompleted(RX, 2, T3))
                    .when(new DispenseDrug(1, T3))
                    .thenRejected(PrescriptionRejection.Completed.class);
        }
    }

    @Nested
    class Refilling {
        @Test
        void startsTheNextFillOnceTheCurrentOneIsComplete() {
            spec().given(ORDERED, VERIFIED, FIRST_FILL_DONE)
                    .when(new RefillPrescription(T3))
                    .then(REFILLED)
                    .thenState(state -> {
                        assertThat(state.fill()).isEqualTo(2);
                        assertThat(state.remaining()).isEqualTo(30);
                        assertThat(state.refillsLeft()).isZero();
                    });
        }

        @Test
        void rejectsRefillingWhileTheFillIsIncomplete() {
            spec().given(ORDERED, VERIFIED, new DrugDispensed(RX, DRUG, 1, 10, 20, T2))
                    .when(new RefillPrescription(T3))
                    .thenRejected(PrescriptionRejection.FillIncomplete.class);
        }

        @Test
        void rejectsRefillingWhenNoRefillsAreLeft() {
            spec().given(
                            ORDERED,
                            VERIFIED,
                            FIRST_FILL_DONE,
                            REFILLED,
                            new DrugDispensed(RX, DRUG, 2, 30, 0, T3),
                            new PrescriptionCompleted(RX, 2, T3))
                    .when(new RefillPrescription(T3))
                    .thenRejected(PrescriptionRejection.NoRefillsLeft.class);
        }

        @Test
        void rejectsRefillingACancelledPrescription() {
            spec().given(ORDERED, VERIFIED, FIRST_FILL_DONE, new PrescriptionCancelled(RX, DRUG, "moved", 0, T3))
                    .when(new RefillPrescription(T3))
                    .thenRejected(PrescriptionRejection.Cancelled.class);
        }

        @Test
        void rejectsRefillingAnUnknownPrescription() {
            spec().givenNothing().when(new RefillPrescription(T3)).thenRejected(PrescriptionRejection.NotFound.class);
        }
    }

    @Nested
    class Cancelling {
        @Test
        void cancelsAnUnverifiedPrescriptionWithNothingReserved() {
            spec().given(ORDERED)
                    .when(new CancelPrescription("duplicate order", T1))
                    .then(new PrescriptionCancelled(RX, DRUG, "duplicate order", 0, T1));
        }

        @Test
        void cancelsAVerifiedPrescriptionReportingWhatWasNeverDispensed() {
            spec().given(ORDERED, VERIFIED, new DrugDispensed(RX, DRUG, 1, 10, 20, T2))
                    .when(new CancelPrescription("allergy", T3))
                    .then(new PrescriptionCancelled(RX, DRUG, "allergy", 20, T3))
                    .thenState(state -> assertThat(state.status()).isEqualTo(PrescriptionStatus.CANCELLED));
        }

        @Test
        void rejectsCancellingTwice() {
            spec().given(ORDERED, new PrescriptionCancelled(RX, DRUG, "duplicate order", 0, T1))
                    .when(new CancelPrescription("again", T2))
                    .thenRejected(PrescriptionRejection.Cancelled.class);
        }

        @Test
        void rejectsCancellingACompletedPrescription() {
            spec().given(
                            ORDERED,
                            VERIFIED,
                            FIRST_FILL_DONE,
                            REFILLED,
                            new DrugDispensed(RX, DRUG, 2, 30, 0, T3),
                            new PrescriptionCompleted(RX, 2, T3))
                    .when(new CancelPrescription("too late", T3))
                    .thenRejected(PrescriptionRejection.Completed.class);
        }

        @Test
        void rejectsCancellingAnUnknownPrescription() {
            spec().givenNothing()
                    .when(new CancelPrescription("typo", T1))
                    .thenRejected(PrescriptionRejection.NotFound.class);
        }
    }

    @Test
    void walksThroughAWholePrescriptionStepByStep() {
        spec().givenNothing()
                .when(ORDER)
                .then(ORDERED)
                .and()
                .when(new VerifyPrescription("pharmacist-1", T1))
                .then(VERIFIED)
                .and()
                .when(new DispenseDrug(30, T2))
                .then(FIRST_FILL_DONE)
                .and()
                .when(new RefillPrescription(T3))
                .then(REFILLED)
                .and()
                .when(new DispenseDrug(31, T3))
                .thenRejected(PrescriptionRejection.OverDispense.class);
    }

    @Nested
    class Expiry {
        final Instant expiresAt = T3;
        final PrescriptionOrdered orderedWithExpiry =
                new PrescriptionOrdered(RX, "patient-7", DRUG, 30, "tablet", 1, "dr-house", T0, expiresAt);

        @Test
        void ordersWithAnExpiry() {
            spec().givenNothing()
                    .when(new OrderPrescription(
                            RX, "patient-7", DRUG, 30, "tablet", 1, "dr-house", T0, java.util.Optional.of(expiresAt)))
                    .then(orderedWithExpiry);
        }

        @Test
        void rejectsAnExpiryAtOrBeforeTheOrder() {
            spec().givenNothing()
                    .when(new OrderPrescription(
                            RX, "patient-7", DRUG, 30, "tablet", 1, "dr-house", T0, java.util.Optional.of(T0)))
                    .thenRejected("prescription.invalid-expiry");
        }

        @Test
        void theTimerRecordsTheExpiryOnce() {
            spec().given(orderedWithExpiry, VERIFIED)
                    .when(new ExpirePrescription(expiresAt))
                    .then(new PrescriptionExpired(RX, DRUG, expiresAt, expiresAt));
            spec().given(orderedWithExpiry, VERIFIED, new PrescriptionExpired(RX, DRUG, expiresAt, expiresAt))
                    .when(new ExpirePrescription(expiresAt))
                    .thenNothingHappened();
        }

        @Test
        void aTimerBeforeTheExpiryOrOnAPrescriptionWithoutOneOrClosedChangesNothing() {
            spec().given(orderedWithExpiry).when(new ExpirePrescription(T2)).thenNothingHappened();
            spec().given(ORDERED).when(new ExpirePrescription(T3)).thenNothingHappened();
            spec().given(orderedWithExpiry, new PrescriptionCancelled(RX, DRUG, "stopped", 0, T1))
                    .when(new ExpirePrescription(expiresAt))
                    .thenNothingHappened();
            spec().givenNothing().when(new ExpirePrescription(expiresAt)).thenNothingHappened();
        }

        @Test
        void refusesDispensingAtOrAfterTheExpiryBeforeTheTimerFired() {
            spec().given(orderedWithExpiry, VERIFIED)
                    .when(new DispenseDrug(1, expiresAt))
                    .thenRejected("prescription.expired");
            spec().given(orderedWithExpiry, VERIFIED)
                    .when(new DispenseDrug(1, expiresAt.minusSeconds(1)))
                    .then(new DrugDispensed(RX, DRUG, 1, 1, 29, expiresAt.minusSeconds(1)));
        }

        @Test
        void refusesRefillingAtOrAfterTheExpiryBeforeTheTimerFired() {
            spec().given(orderedWithExpiry, VERIFIED, FIRST_FILL_DONE)
                    .when(new RefillPrescription(expiresAt.plusSeconds(1)))
                    .thenRejected("prescription.expired");
        }

        @Test
        void refusesEveryCommandOnAnExpiredPrescription() {
            PrescriptionExpired expired = new PrescriptionExpired(RX, DRUG, expiresAt, expiresAt);
            spec().given(orderedWithExpiry, VERIFIED, expired)
                    .when(new DispenseDrug(1, T1))
                    .thenRejected(PrescriptionRejection.Expired.class);
            spec().given(orderedWithExpiry, VERIFIED, expired)
                    .when(new CancelPrescription("late", T1))
                    .thenRejected("prescription.expired");
            spec().given(orderedWithExpiry, VERIFIED, expired)
                    .when(new ExpirePrescription(expiresAt))
                    .thenState(p -> assertThat(p.status()).isEqualTo(PrescriptionStatus.EXPIRED));
        }
    }
}
