package dev.verdict.examples.pharmacy;

import java.time.Instant;
import java.time.LocalDate;

/** What can be asked of a patient; commands carry their time. */
public sealed interface PatientCommand permits PatientCommand.RegisterPatient, PatientCommand.RecordErasure {

    /** Registers a new patient. */
    record RegisterPatient(String patientId, String name, LocalDate birthDate, Instant issuedAt)
            implements PatientCommand {
        /** Never the name or birth date: commands may be logged. */
        @Override
        public String toString() {
            return "RegisterPatient[patientId=" + patientId + "]";
        }
    }

    /** Records that the patient's data key was destroyed (after {@code DataKeys.erase}). */
    record RecordErasure(String patientId, Instant erasedAt) implements PatientCommand {}
}
