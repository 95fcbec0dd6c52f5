package dev.verdict.examples.pharmacy;

import dev.verdict.examples.pharmacy.InventoryCommand.DispenseFromReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.ReleaseReservation;
import dev.verdict.examples.pharmacy.InventoryCommand.ReserveStock;
import dev.verdict.examples.pharmacy.PrescriptionEvent.DrugDispensed;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCancelled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCompleted;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionOrdered;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionRefilled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionVerified;
import dev.verdict.testing.ProcessSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How the stock follows prescriptions: given prescription events, when one more, then these inventory commands. */
class PharmacyProcessSpec {
    static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    static final Instant T1 = T0.plusSeconds(60);
    static final String RX = "rx-42";
    static final String DRUG = "amoxicillin-500mg";
    static final PrescriptionOrdered ORDERED =
            new PrescriptionOrdered(RX, "patient-7", DRUG, 30, "tablet", 1, "dr-house", T0);
    static final PrescriptionVerified VERIFIED = new PrescriptionVerified(RX, "ana", DRUG, 30, T1);

    private static ProcessSpec<PrescriptionEvent, PharmacyProcess.Stateless, InventoryCommand> spec() {
        return ProcessSpec.of(new PharmacyProcess());
    }

    @Test
    void anOrderAloneTouchesNoStock() {
        spec().givenNothing().when(ORDERED).thenNoCommands();
    }

    @Test
    void verificationReservesTheFirstFill() {
        spec().given(ORDERED).when(VERIFIED).then(new ReserveStock(DRUG, RX, 30, T1));
    }

    @Test
    void dispensingTakesUnitsOutOfTheReservation() {
        spec().given(ORDERED, VERIFIED)
                .when(new DrugDispensed(RX, DRUG, 1, 10, 20, T1))
                .then(new DispenseFromReservation(DRUG, RX, 10, T1));
    }

    @Test
    void aRefillReservesTheNextFill() {
        spec().given(ORDERED, VERIFIED, new DrugDispensed(RX, DRUG, 1, 30, 0, T1))
                .when(new PrescriptionRefilled(RX, DRUG, 2, 30, 0, T1))
                .then(new ReserveStock(DRUG, RX, 30, T1));
    }

    @Test
    void cancellationReleasesWhatWasNeverDispensed() {
        spec().given(ORDERED, VERIFIED)
                .when(new PrescriptionCancelled(RX, DRUG, "allergy", 30, T1))
                .then(new ReleaseReservation(DRUG, RX, T1));
    }

    @Test
    void cancellingAnUnverifiedPrescriptionReleasesNothing() {
        spec().given(ORDERED)
                .when(new PrescriptionCancelled(RX, DRUG, "typo", 0, T1))
                .thenNoCommands();
    }

    @Test
    void completionNeedsNoStockChange() {
        spec().given(ORDERED, VERIFIED)
                .when(new PrescriptionCompleted(RX, 1, T1))
                .thenNoCommands();
    }
}
