package dev.verdict.examples.pharmacy;

import dev.verdict.decider.DataSubject;
import dev.verdict.decider.PersonalData;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * What happens to a patient. The patient id is a pseudonym (prescriptions refer to it); the name and birth date are
 * {@link PersonalData}, stored encrypted with the patient's own data key and read as erased once it is destroyed.
 */
public sealed interface PatientEvent permits PatientEvent.PatientRegistered, PatientEvent.PatientDataErased {

    /** The patient id of the event. */
    String patientId();

    /** A patient was registered with their name and birth date. */
    record PatientRegistered(
            @DataSubject String patientId,
            PersonalData<String> name,
            PersonalData<LocalDate> birthDate,
            Instant registeredAt)
            implements PatientEvent {
        public PatientRegistered {
            Objects.requireNonNull(patientId, "patientId");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(birthDate, "birthDate");
            Objects.requireNonNull(registeredAt, "registeredAt");
        }
    }

    /** The patient's personal data was erased (its data key destroyed) at that time; the event holds none of it. */
    record PatientDataErased(String patientId, Instant erasedAt) implements PatientEvent {
        public PatientDataErased {
            Objects.requireNonNull(patientId, "patientId");
            Objects.requireNonNull(erasedAt, "erasedAt");
        }
    }
}
