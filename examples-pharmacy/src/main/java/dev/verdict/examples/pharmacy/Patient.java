package dev.verdict.examples.pharmacy;

import dev.verdict.decider.DataSubject;
import dev.verdict.decider.PersonalData;
import java.time.LocalDate;

/**
 * A patient as the pharmacy knows them: the id, the name and birth date (personal data, {@link PersonalData#erased()}
 * once erased), and whether the erasure was recorded.
 */
public record Patient(
        @DataSubject String patientId,
        PersonalData<String> name,
        PersonalData<LocalDate> birthDate,
        boolean registered,
        boolean erased) {

    /** No patient yet. */
    public static final Patient NONE = new Patient("", PersonalData.erased(), PersonalData.erased(), false, false);
}
