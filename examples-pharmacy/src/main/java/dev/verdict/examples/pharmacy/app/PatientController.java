package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.examples.pharmacy.Patient;
import dev.verdict.examples.pharmacy.PatientCommand;
import dev.verdict.examples.pharmacy.PatientCommand.RecordErasure;
import dev.verdict.examples.pharmacy.PatientCommand.RegisterPatient;
import dev.verdict.examples.pharmacy.PatientEvent;
import dev.verdict.examples.pharmacy.PatientRejection;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.EntityState;
import dev.verdict.runtime.Outcome;
import dev.verdict.store.CommandContext;
import dev.verdict.store.personal.DataKeys;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The patients' API: register ({@code POST /patients}), read ({@code GET /patients/{id}}) and erase the personal data
 * ({@code DELETE /patients/{id}/personal-data}).
 *
 * <p>Answers never come from a stored copy: an {@code Idempotency-Key} on {@code POST /patients} becomes the
 * command's id (a repeat is recognised by the command index) and the answer is read from the patient again – so no
 * Idempotency-Key record holds a name or birth date. Erasure destroys the patient's data key first, then records
 * {@code PatientDataErased}; a repeat (also after a failure between the two) answers the same.
 */
@RestController
final class PatientController {
    private final EntityHandle<PatientCommand, Patient, PatientEvent> patients;
    private final DataKeys keys;
    private final ApiErrors replies;
    private final ObjectMapper json;
    private final Clock clock;

    PatientController(
            EntityHandle<PatientCommand, Patient, PatientEvent> patients,
            DataKeys keys,
            ApiErrors replies,
            ObjectMapper json,
            Clock clock) {
        this.patients = patients;
        this.keys = keys;
        this.replies = replies;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping("/patients")
    ResponseEntity<byte[]> register(HttpServletRequest request) throws IOException {
        JsonRequest fields = JsonRequest.parse(json, request.getInputStream().readAllBytes());
        String patientId = fields.token("patientId");
        String name = fields.text("name");
        LocalDate birthDate = birthDate(fields.text("birthDate"));
        Optional<String> key = Optional.ofNullable(request.getHeader("Idempotency-Key"))
                .map(k -> JsonRequest.requireToken("Idempotency-Key", k));
        CommandContext context = key.map(k -> CommandContext.withCommandId("patient-register:" + k))
                .orElseGet(CommandContext::create);
        Outcome<Patient, PatientEvent> outcome =
                patients.handle(patientId, new RegisterPatient(patientId, name, birthDate, clock.instant()), context);
        if (outcome instanceof Outcome.Rejected<Patient, PatientEvent> rejected) {
            return replies.respond(replies.rejected(rejected.rejection()));
        }
        Patient patient = outcome instanceof Outcome.Accepted<Patient, PatientEvent> a && a.duplicate()
                ? patients.load(patientId).state()
                : outcome.state();
        return replies.respond(new ApiErrors.Reply(201, answer(patient), Map.of("Location", "/patients/" + patientId)));
    }

    @GetMapping("/patients/{id}")
    ResponseEntity<byte[]> patient(@PathVariable("id") String rawId) {
        String patientId = JsonRequest.requireToken("patient id", rawId);
        return replies.json(200, answer(registered(patientId)));
    }

    @DeleteMapping("/patients/{id}/personal-data")
    ResponseEntity<byte[]> erase(@PathVariable("id") String rawId) {
        String patientId = JsonRequest.requireToken("patient id", rawId);
        registered(patientId);
        DataKeys.Erasure erasure = keys.erase(patientId);
        Outcome<Patient, PatientEvent> recorded = patients.handle(
                patientId,
                new RecordErasure(patientId, erasure.erasedAt()),
                CommandContext.withCommandId("patient-erasure:" + patientId));
        if (recorded instanceof Outcome.Rejected<Patient, PatientEvent> rejected) {
            return replies.respond(replies.rejected(rejected.rejection()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("patientId", patientId);
        body.put("erased", true);
        body.put("erasedAt", erasure.erasedAt().toString());
        return replies.json(200, body);
    }

    private Patient registered(String patientId) {
        EntityState<Patient> state = patients.load(patientId);
        if (!state.state().registered()) {
            throw ApiError.notFound(new PatientRejection.NotFound(patientId).getMessage());
        }
        return state.state();
    }

    /** {@code {"patientId","name","birthDate","erased":false}}, or {@code {"patientId","erased":true}}. */
    private static Map<String, Object> answer(Patient patient) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("patientId", patient.patientId());
        boolean erased = patient.erased()
                || patient.name().isErased()
                || patient.birthDate().isErased();
        if (!erased) {
            body.put("name", patient.name().orElse(""));
            body.put(
                    "birthDate",
                    patient.birthDate().value().map(LocalDate::toString).orElse(""));
        }
        body.put("erased", erased);
        return body;
    }

    private LocalDate birthDate(String text) {
        LocalDate date;
        try {
            date = LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("field 'birthDate' must be a date like 1990-04-01");
        }
        if (date.isAfter(LocalDate.now(clock)) || date.isBefore(LocalDate.of(1900, 1, 1))) {
            throw ApiError.badRequest("field 'birthDate' must be between 1900-01-01 and today");
        }
        return date;
    }
}
