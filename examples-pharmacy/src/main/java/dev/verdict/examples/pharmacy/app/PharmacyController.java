package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.examples.pharmacy.Inventory;
import dev.verdict.examples.pharmacy.InventoryCommand.ReceiveStock;
import dev.verdict.examples.pharmacy.Prescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand;
import dev.verdict.examples.pharmacy.PrescriptionCommand.CancelPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.OrderPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.RefillPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.VerifyPrescription;
import dev.verdict.examples.pharmacy.app.IdempotencyRecords.Answer;
import dev.verdict.examples.pharmacy.app.IdempotencyRecords.Attempt;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The pharmacy's JSON API on Spring MVC. Every answer is JSON; every failure is {@code {"error": code, "message":
 * text}} ({@link ApiErrors}), never a stack trace.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code POST /prescriptions}</td><td>order; 201 with the prescription</td></tr>
 *   <tr><td>{@code GET /prescriptions/{id}[?asOf=seq|instant]}</td><td>state now or as of then</td></tr>
 *   <tr><td>{@code GET /prescriptions/{id}/events}</td><td>its events in order</td></tr>
 *   <tr><td>{@code POST /prescriptions/{id}/verify|dispense|refill|cancel}</td><td>the command; 200 with the new
 *       state, 409 with the rejection's code</td></tr>
 *   <tr><td>{@code GET /patients}, {@code GET /patients/{id}/prescriptions}</td><td>the read model (eventually
 *       consistent)</td></tr>
 *   <tr><td>{@code GET /inventory/{drug}}, {@code POST /inventory/{drug}/receive}</td><td>a drug's stock</td></tr>
 *   <tr><td>{@code GET /health}</td><td>{@code {"nats": status}}, 503 while NATS is unreachable (Actuator's {@code
 *       /actuator/health} has the details)</td></tr>
 * </table>
 *
 * <p>Commands accept an {@code Idempotency-Key} header: a repeat of the same request (same method, path and body)
 * gets the first answer (success or rejection) and appends nothing new; the key used for another request is a {@code
 * 422 idempotency-key-reused}. Commands are stamped with the time of the {@link Clock} when they arrive: the deciders
 * never read a clock. The answers are written by the app's own JSON mapper (the answer to a command is recorded as
 * bytes for its Idempotency-Key, and a repeat must get exactly those bytes).
 */
@RestController
final class PharmacyController {
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final Pharmacy pharmacy;
    private final IdempotencyRecords idempotency;
    private final ApiErrors replies;
    private final ObjectMapper json;
    private final Clock clock;

    PharmacyController(
            Pharmacy pharmacy, IdempotencyRecords idempotency, ApiErrors replies, ObjectMapper json, Clock clock) {
        this.pharmacy = pharmacy;
        this.idempotency = idempotency;
        this.replies = replies;
        this.json = json;
        this.clock = clock;
    }

    /** A POST body: the bytes as received (an Idempotency-Key is bound to them) and the parsed JSON. */
    private record PostBody(byte[] raw, JsonRequest fields) {}

    @GetMapping("/health")
    ResponseEntity<byte[]> health() {
        return replies.json(pharmacy.isConnected() ? 200 : 503, Map.of("nats", pharmacy.connectionStatus()));
    }

    @PostMapping("/prescriptions")
    ResponseEntity<byte[]> order(HttpServletRequest request) throws IOException {
        PostBody body = body(request);
        JsonRequest fields = body.fields();
        Instant now = clock.instant();
        OrderPrescription order = new OrderPrescription(
                fields.token("prescriptionId"),
                fields.token("patientId"),
                fields.token("drug"),
                fields.integer("quantity", 1),
                fields.text("unit"),
                fields.integer("refills", 0),
                fields.text("prescriberId"),
                now,
                fields.instantAfter("expiresAt", now));
        return command(
                request,
                body,
                commandId -> replies.decided(
                        pharmacy.prescriptionCommand(order.prescriptionId(), order, commandId),
                        result -> new ApiErrors.Reply(
                                201,
                                PrescriptionResource.of(result.state(), result.version()),
                                Map.of("Location", "/prescriptions/" + order.prescriptionId()))));
    }

    @GetMapping("/prescriptions/{id}")
    ResponseEntity<byte[]> prescription(
            @PathVariable("id") String rawId, @RequestParam(name = "asOf", required = false) String rawAsOf) {
        String id = JsonRequest.requireToken("prescription id", rawId);
        Optional<AsOf> asOf = Optional.ofNullable(rawAsOf).map(AsOf::parse);
        requireConnected();
        Versioned<Prescription> found = pharmacy.prescription(id, asOf)
                .orElseThrow(() -> ApiError.notFound(
                        "prescription " + id + (asOf.isPresent() ? " had no events then" : " has no events")));
        return replies.json(200, PrescriptionResource.of(found.state(), found.version()));
    }

    @GetMapping("/prescriptions/{id}/events")
    ResponseEntity<byte[]> events(@PathVariable("id") String rawId) {
        String id = JsonRequest.requireToken("prescription id", rawId);
        requireConnected();
        List<EventResource> events = pharmacy.history(id);
        if (events.isEmpty()) {
            throw ApiError.notFound("prescription " + id + " has no events");
        }
        return replies.json(200, events);
    }

    @PostMapping("/prescriptions/{id}/verify")
    ResponseEntity<byte[]> verify(@PathVariable("id") String rawId, HttpServletRequest request) throws IOException {
        String id = JsonRequest.requireToken("prescription id", rawId);
        PostBody body = body(request);
        return prescriptionCommand(
                request, id, body, new VerifyPrescription(body.fields().text("pharmacistId"), clock.instant()));
    }

    @PostMapping("/prescriptions/{id}/refill")
    ResponseEntity<byte[]> refill(@PathVariable("id") String rawId, HttpServletRequest request) throws IOException {
        String id = JsonRequest.requireToken("prescription id", rawId);
        return prescriptionCommand(request, id, body(request), new RefillPrescription(clock.instant()));
    }

    @PostMapping("/prescriptions/{id}/cancel")
    ResponseEntity<byte[]> cancel(@PathVariable("id") String rawId, HttpServletRequest request) throws IOException {
        String id = JsonRequest.requireToken("prescription id", rawId);
        PostBody body = body(request);
        return prescriptionCommand(
                request, id, body, new CancelPrescription(body.fields().text("reason"), clock.instant()));
    }

    /** A dispense: the prescription's fill and the stock's deduction in one atomic decision. */
    @PostMapping("/prescriptions/{id}/dispense")
    ResponseEntity<byte[]> dispense(@PathVariable("id") String rawId, HttpServletRequest request) throws IOException {
        String id = JsonRequest.requireToken("prescription id", rawId);
        PostBody body = body(request);
        int quantity = body.fields().integer("quantity", 1);
        return command(
                request,
                body,
                commandId -> replies.decided(
                        pharmacy.dispense(id, quantity, clock.instant(), commandId),
                        result -> new ApiErrors.Reply(200, PrescriptionResource.of(result.state(), result.version()))));
    }

    private ResponseEntity<byte[]> prescriptionCommand(
            HttpServletRequest request, String id, PostBody body, PrescriptionCommand command) {
        return command(
                request,
                body,
                commandId -> replies.decided(
                        pharmacy.prescriptionCommand(id, command, commandId),
                        result -> new ApiErrors.Reply(200, PrescriptionResource.of(result.state(), result.version()))));
    }

    @GetMapping("/patients")
    ResponseEntity<byte[]> patients() {
        return replies.json(200, pharmacy.patients());
    }

    @GetMapping("/patients/{id}/prescriptions")
    ResponseEntity<byte[]> prescriptionsOf(@PathVariable("id") String rawId) {
        String patientId = JsonRequest.requireToken("patient id", rawId);
        return replies.json(200, pharmacy.prescriptionsOf(patientId));
    }

    @GetMapping("/inventory/{drug}")
    ResponseEntity<byte[]> inventory(@PathVariable("drug") String rawDrug) {
        String drug = JsonRequest.requireToken("drug", rawDrug);
        Versioned<Inventory> stock = pharmacy.inventory(drug)
                .orElseThrow(() -> ApiError.notFound("no stock was ever received for drug " + drug));
        return replies.json(200, InventoryResource.of(stock.state()));
    }

    @PostMapping("/inventory/{drug}/receive")
    ResponseEntity<byte[]> receive(@PathVariable("drug") String rawDrug, HttpServletRequest request)
            throws IOException {
        String drug = JsonRequest.requireToken("drug", rawDrug);
        PostBody body = body(request);
        ReceiveStock receive = new ReceiveStock(drug, body.fields().integer("quantity", 1), clock.instant());
        return command(
                request,
                body,
                commandId -> replies.decided(
                        pharmacy.inventoryCommand(drug, receive, commandId),
                        result -> new ApiErrors.Reply(200, InventoryResource.of(result.state()))));
    }

    /**
     * Executes a validated command request. Without an {@code Idempotency-Key} it runs once with a new command id.
     * With one, {@link IdempotencyRecords} answers: a repeat gets the recorded answer, a key bound to another request
     * is a 422, and a first execution's answer – its success or the domain's refusal, both values – is recorded as the
     * key's answer; a failure (e.g. NATS unreachable) is answered but not recorded, so a retry executes again.
     */
    private ResponseEntity<byte[]> command(
            HttpServletRequest http, PostBody body, Function<Optional<String>, ApiErrors.Reply> execute) {
        Optional<String> key = idempotencyKey(http.getHeader("Idempotency-Key"));
        requireConnected();
        if (key.isEmpty()) {
            return replies.respond(execute.apply(Optional.empty()));
        }
        IdempotencyRecords.Request request =
                new IdempotencyRecords.Request(http.getMethod(), http.getRequestURI(), body.raw());
        Answer answer = idempotency.answer(key.get(), request, commandId -> {
            try {
                return new Attempt(replies.serialize(execute.apply(Optional.of(commandId))), true);
            } catch (RuntimeException e) {
                return new Attempt(replies.serialize(replies.failure(http, e)), false);
            }
        });
        return replies.entity(answer);
    }

    private void requireConnected() {
        if (!pharmacy.isConnected()) {
            throw ApiError.unavailable(
                    "the event store (NATS) is unreachable (" + pharmacy.connectionStatus() + "); try again");
        }
    }

    /** The Idempotency-Key header: 1-255 printable ASCII characters without spaces. */
    private static Optional<String> idempotencyKey(String key) {
        if (key == null) {
            return Optional.empty();
        }
        String trimmed = key.trim();
        if (!trimmed.matches("[\\x21-\\x7E]{1,255}")) {
            throw ApiError.badRequest(
                    "Idempotency-Key must be 1-255 printable ASCII characters without spaces, was '" + key + "'");
        }
        return Optional.of(trimmed);
    }

    /** The body, at most {@value #MAX_BODY_BYTES} bytes (a larger one is a 413 and is not read to its end). */
    private PostBody body(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw tooLarge();
            }
            return new PostBody(bytes, JsonRequest.parse(json, bytes));
        }
    }

    private static ApiError tooLarge() {
        return new ApiError(413, "too-large", "the body is larger than " + MAX_BODY_BYTES + " bytes");
    }
}
