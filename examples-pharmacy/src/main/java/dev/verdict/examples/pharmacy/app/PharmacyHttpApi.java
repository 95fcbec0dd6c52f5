package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.verdict.decider.DomainRejection;
import dev.verdict.examples.pharmacy.InventoryCommand.ReceiveStock;
import dev.verdict.examples.pharmacy.Prescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand;
import dev.verdict.examples.pharmacy.PrescriptionCommand.CancelPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.DispenseDrug;
import dev.verdict.examples.pharmacy.PrescriptionCommand.OrderPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.RefillPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.VerifyPrescription;
import dev.verdict.examples.pharmacy.PrescriptionRejection;
import dev.verdict.examples.pharmacy.app.IdempotencyRecords.Answer;
import dev.verdict.examples.pharmacy.app.IdempotencyRecords.Attempt;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.InvalidIdentifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pharmacy's HTTP JSON API on the JDK's built-in server. The contract (paths, bodies, status codes) is public and
 * documented in {@code examples-pharmacy/README.md}.
 *
 * <p>Guarantees: every answer is JSON; a client error is a 400/404/409 with {@code {"error", "message"}}, never a
 * stack trace and never a 500; NATS being unreachable is a 503. A command sent with an {@code Idempotency-Key} is
 * answered through {@link IdempotencyRecords}: a repeat gets the first answer (success or rejection) and appends
 * nothing new; the key used for another request is a {@code 422 idempotency-key-reused}.
 *
 * <p>Commands are stamped with the time of this {@link Clock} when they arrive: the deciders never read a clock.
 */
final class PharmacyHttpApi implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PharmacyHttpApi.class);
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final Pharmacy pharmacy;
    private final IdempotencyRecords idempotency;
    private final ObjectMapper json;
    private final Clock clock;

    PharmacyHttpApi(Pharmacy pharmacy, IdempotencyRecords idempotency, ObjectMapper json, Clock clock) {
        this.pharmacy = pharmacy;
        this.idempotency = idempotency;
        this.json = json;
        this.clock = clock;
    }

    /** A response: status, a body that Jackson writes, extra headers. */
    private record Reply(int status, Object body, Map<String, String> headers) {
        Reply(int status, Object body) {
            this(status, body, Map.of());
        }
    }

    /** A POST body: the bytes as received (an Idempotency-Key is bound to them) and the parsed JSON. */
    private record PostBody(byte[] raw, JsonRequest fields) {}

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Answer answer;
        try {
            answer = route(exchange);
        } catch (RuntimeException e) {
            answer = serialize(failure(exchange, e));
        }
        send(exchange, answer);
    }

    /** The reply to a failure: a 4xx with the error's code, 503 when NATS is unreachable, else a logged 500. */
    private static Reply failure(HttpExchange exchange, RuntimeException failure) {
        if (failure instanceof ApiError e) {
            return error(e.status(), e.code(), e.getMessage());
        }
        if (failure instanceof IdempotencyRecords.KeyReused e) {
            return error(422, "idempotency-key-reused", e.getMessage());
        }
        if (failure instanceof IdempotencyRecords.IdempotencyStoreUnavailable e) {
            LOG.warn("{}", e.getMessage());
            return error(503, "unavailable", "the Idempotency-Key records (NATS) are unreachable; try again");
        }
        if (failure instanceof PrescriptionRejection.NotFound e) {
            return error(404, "not-found", e.getMessage());
        }
        if (failure instanceof DomainRejection e) {
            return error(409, e.code(), e.getMessage());
        }
        if (failure instanceof InvalidIdentifier e) {
            return error(400, "bad-request", e.getMessage());
        }
        if (failure instanceof EventStoreUnavailable e) {
            LOG.warn("NATS unavailable: {}", e.getMessage());
            return error(503, "unavailable", "the event store (NATS) is unreachable; try again");
        }
        Optional<Reply> known = Pharmacy.describeFailure(failure).map(f -> error(f.status(), f.code(), f.getMessage()));
        if (known.isPresent()) {
            return known.get();
        }
        LOG.error("unexpected failure on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), failure);
        return error(500, "internal", "unexpected server error; see the server log");
    }

    private static Reply error(int status, String code, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message == null ? "" : message);
        return new Reply(status, body);
    }

    private Answer route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        List<String> path = segments(exchange.getRequestURI().getRawPath());
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());

        if (path.equals(List.of("health"))) {
            requireMethod(method, "GET");
            return serialize(
                    new Reply(pharmacy.isConnected() ? 200 : 503, Map.of("nats", pharmacy.connectionStatus())));
        }
        if (path.size() >= 1 && path.get(0).equals("prescriptions")) {
            return prescriptions(exchange, method, path, query);
        }
        if (path.equals(List.of("patients"))) {
            requireMethod(method, "GET");
            return serialize(new Reply(200, pharmacy.patients()));
        }
        if (path.size() == 3 && path.get(0).equals("patients") && path.get(2).equals("prescriptions")) {
            requireMethod(method, "GET");
            String patientId = JsonRequest.requireToken("patient id", path.get(1));
            return serialize(new Reply(200, pharmacy.prescriptionsOf(patientId)));
        }
        if (path.size() >= 2 && path.size() <= 3 && path.get(0).equals("inventory")) {
            String drug = JsonRequest.requireToken("drug", path.get(1));
            if (path.size() == 2) {
                requireMethod(method, "GET");
                return serialize(pharmacy.inventory(drug)
                        .map(inv -> new Reply(200, InventoryResource.of(inv.state())))
                        .orElseThrow(() -> ApiError.notFound("no stock was ever received for drug " + drug)));
            }
            if (path.get(2).equals("receive")) {
                requireMethod(method, "POST");
                PostBody body = body(exchange);
                ReceiveStock receive = new ReceiveStock(drug, body.fields().integer("quantity", 1), clock.instant());
                return command(
                        exchange,
                        body,
                        commandId -> new Reply(
                                200,
                                InventoryResource.of(pharmacy.inventoryCommand(drug, receive, commandId)
                                        .state())));
            }
        }
        throw ApiError.notFound(
                "no such resource: " + method + " " + exchange.getRequestURI().getRawPath());
    }

    private Answer prescriptions(HttpExchange exchange, String method, List<String> path, Map<String, String> query)
            throws IOException {
        if (path.size() == 1) {
            requireMethod(method, "POST");
            PostBody body = body(exchange);
            JsonRequest fields = body.fields();
            OrderPrescription order = new OrderPrescription(
                    fields.token("prescriptionId"),
                    fields.token("patientId"),
                    fields.token("drug"),
                    fields.integer("quantity", 1),
                    fields.text("unit"),
                    fields.integer("refills", 0),
                    fields.text("prescriberId"),
                    clock.instant());
            return command(exchange, body, commandId -> {
                Versioned<Prescription> result = pharmacy.prescriptionCommand(order.prescriptionId(), order, commandId);
                return new Reply(
                        201,
                        PrescriptionResource.of(result.state(), result.version()),
                        Map.of("Location", "/prescriptions/" + order.prescriptionId()));
            });
        }
        String id = JsonRequest.requireToken("prescription id", path.get(1));
        if (path.size() == 2) {
            requireMethod(method, "GET");
            Optional<AsOf> asOf = Optional.ofNullable(query.get("asOf")).map(AsOf::parse);
            requireConnected();
            return serialize(pharmacy.prescription(id, asOf)
                    .map(p -> new Reply(200, PrescriptionResource.of(p.state(), p.version())))
                    .orElseThrow(() -> ApiError.notFound(
                            "prescription " + id + (asOf.isPresent() ? " had no events then" : " has no events"))));
        }
        if (path.size() == 3 && path.get(2).equals("events")) {
            requireMethod(method, "GET");
            requireConnected();
            List<EventResource> events = pharmacy.history(id);
            if (events.isEmpty()) {
                throw ApiError.notFound("prescription " + id + " has no events");
            }
            return serialize(new Reply(200, events));
        }
        if (path.size() == 3) {
            requireMethod(method, "POST");
            PostBody body = body(exchange);
            if (path.get(2).equals("dispense")) {
                int quantity = body.fields().integer("quantity", 1);
                return command(exchange, body, commandId -> {
                    Versioned<Prescription> result = pharmacy.dispense(id, quantity, clock.instant(), commandId);
                    return new Reply(200, PrescriptionResource.of(result.state(), result.version()));
                });
            }
            PrescriptionCommand command = prescriptionCommand(path.get(2), body.fields());
            return command(exchange, body, commandId -> {
                Versioned<Prescription> result = pharmacy.prescriptionCommand(id, command, commandId);
                return new Reply(200, PrescriptionResource.of(result.state(), result.version()));
            });
        }
        throw ApiError.notFound(
                "no such resource: " + method + " " + exchange.getRequestURI().getRawPath());
    }

    /**
     * Executes a validated command request. Without an {@code Idempotency-Key} it runs once with a new command id.
     * With one, {@link IdempotencyRecords} answers: a repeat gets the recorded answer, a key bound to another request
     * is a 422, and a first execution's success or domain rejection is recorded as the key's answer.
     */
    private Answer command(HttpExchange exchange, PostBody body, Function<Optional<String>, Reply> execute) {
        Optional<String> key = idempotencyKey(exchange);
        requireConnected();
        if (key.isEmpty()) {
            return serialize(execute.apply(Optional.empty()));
        }
        IdempotencyRecords.Request request = new IdempotencyRecords.Request(
                exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), body.raw());
        return idempotency.answer(key.get(), request, commandId -> {
            try {
                return new Attempt(serialize(execute.apply(Optional.of(commandId))), true);
            } catch (DomainRejection rejected) {
                return new Attempt(serialize(failure(exchange, rejected)), true);
            } catch (RuntimeException e) {
                return new Attempt(serialize(failure(exchange, e)), false);
            }
        });
    }

    private PrescriptionCommand prescriptionCommand(String action, JsonRequest body) {
        if (action.equals("verify")) {
            return new VerifyPrescription(body.text("pharmacistId"), clock.instant());
        }
        if (action.equals("dispense")) {
            return new DispenseDrug(body.integer("quantity", 1), clock.instant());
        }
        if (action.equals("refill")) {
            return new RefillPrescription(clock.instant());
        }
        if (action.equals("cancel")) {
            return new CancelPrescription(body.text("reason"), clock.instant());
        }
        throw ApiError.notFound(
                "no such prescription action '" + action + "'; use verify, dispense, refill, cancel or events");
    }

    private void requireConnected() {
        if (!pharmacy.isConnected()) {
            throw ApiError.unavailable(
                    "the event store (NATS) is unreachable (" + pharmacy.connectionStatus() + "); try again");
        }
    }

    private static void requireMethod(String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new ApiError(405, "method-not-allowed", "use " + expected + " here, not " + actual);
        }
    }

    /** The Idempotency-Key header: 1-255 printable ASCII characters without spaces. */
    private static Optional<String> idempotencyKey(HttpExchange exchange) {
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
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

    private PostBody body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new ApiError(413, "too-large", "the body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            return new PostBody(bytes, JsonRequest.parse(json, bytes));
        }
    }

    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(decode(raw));
            }
        }
        return segments;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            } else if (!pair.isEmpty()) {
                params.put(decode(pair), "");
            }
        }
        return params;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("malformed percent-encoding in '" + raw + "'");
        }
    }

    private Answer serialize(Reply reply) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(reply.body());
        } catch (IOException e) {
            LOG.error("cannot write response", e);
            return new Answer(
                    500,
                    Map.of(),
                    "{\"error\":\"internal\",\"message\":\"cannot write the response\"}"
                            .getBytes(StandardCharsets.UTF_8));
        }
        return new Answer(reply.status(), reply.headers(), bytes);
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), answer.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
        }
    }
}
