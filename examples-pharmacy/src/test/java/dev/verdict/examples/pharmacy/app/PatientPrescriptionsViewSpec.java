package dev.verdict.examples.pharmacy.app;

import dev.verdict.examples.pharmacy.PrescriptionEvent.DrugDispensed;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCancelled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCompleted;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionOrdered;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionRefilled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionVerified;
import dev.verdict.examples.pharmacy.app.PatientPrescriptionsView.Row;
import dev.verdict.testing.ViewSpec;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The read model "prescriptions per patient" as a pure view, without a database. */
class PatientPrescriptionsViewSpec {
    private static final Instant T = Instant.parse("2026-03-01T09:00:00Z");
    private static final PrescriptionOrdered ORDERED =
            new PrescriptionOrdered("rx-1", "pat-1", "amoxicillin", 20, "tablet", 1, "dr-1", T);
    private static final PrescriptionVerified VERIFIED = new PrescriptionVerified("rx-1", "ph-1", "amoxicillin", 20, T);

    private static Optional<Row> row(String status, int dispensed, int refillsLeft) {
        return Optional.of(new Row("rx-1", "pat-1", "amoxicillin", status, 20, dispensed, refillsLeft));
    }

    @Test
    void anOrderedPrescriptionIsARowOfItsPatient() {
        ViewSpec.of(PatientPrescriptionsView.VIEW)
                .givenNothing()
                .then(Optional.empty())
                .andGiven(ORDERED)
                .then(row("ordered", 0, 1))
                .andGiven(VERIFIED)
                .then(row("verified", 0, 1));
    }

    @Test
    void dispensingCountsTheUnitsOfTheCurrentFill() {
        ViewSpec.of(PatientPrescriptionsView.VIEW)
                .given(ORDERED, VERIFIED, new DrugDispensed("rx-1", "amoxicillin", 1, 5, 15, T))
                .then(row("dispensing", 5, 1))
                .andGiven(new DrugDispensed("rx-1", "amoxicillin", 1, 15, 0, T))
                .then(row("filled", 20, 1))
                .andGiven(new PrescriptionRefilled("rx-1", "amoxicillin", 2, 20, 0, T))
                .then(row("verified", 0, 0))
                .andGiven(
                        new DrugDispensed("rx-1", "amoxicillin", 2, 20, 0, T), new PrescriptionCompleted("rx-1", 2, T))
                .then(row("completed", 20, 0));
    }

    @Test
    void aCancelledPrescriptionKeepsWhatWasDispensed() {
        ViewSpec.of(PatientPrescriptionsView.VIEW)
                .given(ORDERED, VERIFIED, new DrugDispensed("rx-1", "amoxicillin", 1, 5, 15, T))
                .andGiven(new PrescriptionCancelled("rx-1", "amoxicillin", "patient request", 15, T))
                .then(row("cancelled", 5, 1));
    }

    @Test
    void eventsOfAPrescriptionNotOrderedMakeNoRow() {
        ViewSpec.of(PatientPrescriptionsView.VIEW)
                .given(VERIFIED, new PrescriptionCompleted("rx-1", 1, T))
                .then(Optional.empty());
    }
}
