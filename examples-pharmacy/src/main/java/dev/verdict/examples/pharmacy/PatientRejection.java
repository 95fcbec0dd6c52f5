package dev.verdict.examples.pharmacy;

import dev.verdict.decider.DomainRejection;

/**
 * Every way the {@link PatientDecider} refuses a command: {@code patient.already-exists}, {@code patient.not-found}.
 * Messages name the patient id only, never personal data (rejections are stored in the command index).
 */
public abstract sealed class PatientRejection extends DomainRejection {
    private static final long serialVersionUID = 1L;

    PatientRejection(String code, String message) {
        super(code, message);
    }

    public static final class AlreadyExists extends PatientRejection {
        private static final long serialVersionUID = 1L;

        public AlreadyExists(String patientId) {
            super("patient.already-exists", "patient " + patientId + " is registered already");
        }
    }

    public static final class NotFound extends PatientRejection {
        private static final long serialVersionUID = 1L;

        public NotFound(String patientId) {
            super("patient.not-found", "no patient " + patientId);
        }
    }
}
