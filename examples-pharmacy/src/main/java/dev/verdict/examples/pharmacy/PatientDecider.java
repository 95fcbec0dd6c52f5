package dev.verdict.examples.pharmacy;

import dev.verdict.decider.Decider;
import dev.verdict.decider.EntityType;
import dev.verdict.decider.PersonalData;
import dev.verdict.examples.pharmacy.PatientCommand.RecordErasure;
import dev.verdict.examples.pharmacy.PatientCommand.RegisterPatient;
import dev.verdict.examples.pharmacy.PatientEvent.PatientDataErased;
import dev.verdict.examples.pharmacy.PatientEvent.PatientRegistered;
import java.util.List;

/**
 * A patient, as a pure decider: registered once ({@code patient.already-exists} after), erasure recorded once (a
 * repeat changes nothing; {@code patient.not-found} for an unknown patient). After erasure the state's name and birth
 * date are erased, whatever the events say – and the events' own fields read as erased too, once the key is gone.
 *
 * <pre>{@code
 * PatientDecider patients = new PatientDecider();
 * List<PatientEvent> events = patients.decide(
 *         new RegisterPatient("p-7", "Ada Lovelace", LocalDate.of(1815, 12, 10), now), patients.initialState());
 * }</pre>
 */
public final class PatientDecider implements Decider<PatientCommand, Patient, PatientEvent> {
    /** Patients as an entity type, declared once here: their category ({@code patient}) and this decider. */
    public static final EntityType<PatientCommand, Patient, PatientEvent> TYPE =
            EntityType.of("patient", new PatientDecider());

    @Override
    public Patient initialState() {
        return Patient.NONE;
    }

    @Override
    public List<PatientEvent> decide(PatientCommand command, Patient state) {
        if (command instanceof RegisterPatient register) {
            if (state.registered()) {
                throw new PatientRejection.AlreadyExists(register.patientId());
            }
            return List.of(new PatientRegistered(
                    register.patientId(),
                    PersonalData.of(register.name()),
                    PersonalData.of(register.birthDate()),
                    register.issuedAt()));
        }
        RecordErasure erasure = (RecordErasure) command;
        if (!state.registered()) {
            throw new PatientRejection.NotFound(erasure.patientId());
        }
        return state.erased() ? List.of() : List.of(new PatientDataErased(erasure.patientId(), erasure.erasedAt()));
    }

    @Override
    public Patient evolve(Patient state, PatientEvent event) {
        if (event instanceof PatientRegistered registered) {
            return new Patient(registered.patientId(), registered.name(), registered.birthDate(), true, false);
        }
        return new Patient(state.patientId(), PersonalData.erased(), PersonalData.erased(), state.registered(), true);
    }
}
