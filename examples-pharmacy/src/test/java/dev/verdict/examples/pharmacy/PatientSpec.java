package dev.verdict.examples.pharmacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.PersonalData;
import dev.verdict.examples.pharmacy.PatientCommand.RecordErasure;
import dev.verdict.examples.pharmacy.PatientCommand.RegisterPatient;
import dev.verdict.examples.pharmacy.PatientEvent.PatientDataErased;
import dev.verdict.examples.pharmacy.PatientEvent.PatientRegistered;
import dev.verdict.testing.DeciderSpec;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Every command path of a patient, including the erased history a decider folds after crypto-shredding. */
class PatientSpec {
    static final Instant T = Instant.parse("2026-01-05T09:00:00Z");
    static final LocalDate BORN = LocalDate.of(1815, 12, 10);
    static final PatientRegistered REGISTERED =
            new PatientRegistered("p-7", PersonalData.of("Ada Lovelace"), PersonalData.of(BORN), T);

    private static DeciderSpec<PatientCommand, Patient, PatientEvent> spec() {
        return DeciderSpec.of(new PatientDecider());
    }

    @Test
    void registersAPatient() {
        spec().givenNothing()
                .when(new RegisterPatient("p-7", "Ada Lovelace", BORN, T))
                .then(REGISTERED)
                .thenState(p -> assertThat(p.name()).isEqualTo(PersonalData.of("Ada Lovelace")));
    }

    @Test
    void rejectsRegisteringTwice() {
        spec().given(REGISTERED)
                .when(new RegisterPatient("p-7", "Someone", BORN, T))
                .thenRejected("patient.already-exists");
    }

    @Test
    void recordsAnErasureOnce() {
        spec().given(REGISTERED)
                .when(new RecordErasure("p-7", T))
                .then(new PatientDataErased("p-7", T))
                .thenState(p -> assertThat(p.name().isErased()).isTrue());
        spec().given(REGISTERED, new PatientDataErased("p-7", T))
                .when(new RecordErasure("p-7", T.plusSeconds(60)))
                .thenNothingHappened();
    }

    @Test
    void rejectsErasingAnUnknownPatient() {
        spec().givenNothing().when(new RecordErasure("p-9", T)).thenRejected("patient.not-found");
    }

    @Test
    void foldsAHistoryWhoseKeyWasDestroyed() {
        // what the codec reads once the key is gone: the registration with its fields erased
        spec().given(new PatientRegistered("p-7", PersonalData.erased(), PersonalData.erased(), T))
                .when(new RegisterPatient("p-7", "Ada Lovelace", BORN, T))
                .thenRejected("patient.already-exists");
    }
}
