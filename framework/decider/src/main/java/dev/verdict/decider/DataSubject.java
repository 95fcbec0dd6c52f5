package dev.verdict.decider;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the component of a record (an event or a state) that holds the id of the data subject its {@link
 * PersonalData} components belong to. Exactly one component of a record with personal data carries it; its value
 * (usually a {@code String}, e.g. a patient id – a pseudonym, itself not personal data) selects the data key.
 *
 * <pre>{@code
 * record PatientRegistered(@DataSubject String patientId, PersonalData<String> name) implements PatientEvent {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface DataSubject {}
