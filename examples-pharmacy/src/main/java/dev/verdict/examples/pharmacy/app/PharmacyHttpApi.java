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
import dev.verdict.store.CommandContext;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pharmacy's HTTP JSON API on the JDK's built-in server. The contract (paths, bodies, status codes) is public and
 * documented in {@code examples-pharmacy/README.md}.
 *
 * <p>Guarantees: every answer is JSON; a client error is a 400/404/409 with {@code {"error", "message"}}, never a
 * stack trace and never a 500; NATS being unreachable is a 503. The {@code Idempotency-Key} header becomes the
 * command id, so a repeated request returns the first result and appends nothing new.
 *
 * <p>Commands are stamped with the time of this {@link Clock} when they arrive: the deciders never read a clock.
 */
final class PharmacyHttpApi implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PharmacyHttpApi.class);
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final Pharmacy pharmacy;
    private final ObjectMapper json;
    private final Clock clock;

    PharmacyHttpApi(Pharmacy pharmacy, ObjectMapper json, Clock clock) {
        this.pharmacy = pharmacy;
        this.json = json;
        this.clock = clock;
    }

    /** A response: status and a body that Jackson writes. */
    private record Reply(int status, Object body) {}

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Reply reply;
        try {
            reply = route(exchange);
        } catch (ApiError e) {
            reply = error(e.status(), e.code(), e.getMessage());
        } catch (PrescriptionRejection.NotFound e) {
            reply = error(404, "not-found", e.getMessage());
        } catch (DomainRejection e) {
            reply = error(409, e.code(), e.getMessage());
        } catch (InvalidIdentifier e) {
            reply = error(400, "bad-request", e.getMessage());
        } catch (EventStoreUnavailable e) {
            LOG.warn("NATS unavailable: {}", e.getMessage());
            reply = error(503, "unavailable", "the event store (NATS) is unreachable; try again");
        } catch (RuntimeException e) {
            Optional<Reply> known = Pharmacy.describeFailure(e).map(f -> error(f.status(), f.code(), f.getMessage()));
            if (known.isPresent()) {
                reply = known.get();
            } else {
                LOG.error("unexpected failure on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                reply = error(500, "internal", "unexpected server error; see the server log");
            }
        }
        send(exchange, reply);
    }

    private static Reply error(int status, String code, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message == null ? "" : message);
        return new Reply(status, body);
    }

    private Reply route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        List<String> path = segments(exchange.getRequestURI().getRawPath());
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());

        if (path.equals(List.of("health"))) {
            requireMethod(method, "GET");
            return new Reply(pharmacy.isConnected() ? 200 : 503, Map.of("nats", pharmacy.connectionStatus()));
        }
        if (path.size() >= 1 && path.get(0).equals("prescriptions")) {
            return prescriptions(exchange, method, path, query);
        }
        if (path.size() == 3 && path.get(0).equals("patients") && path.get(2).equals("prescriptions")) {
            requireMethod(method, "GET");
            String patientId = JsonRequest.requireToken("patient id", path.get(1));
            return new Reply(200, pharmacy.prescriptionsOf(patientId));
        }
        if (path.size() >= 2 && path.size() <= 3 && path.get(0).equals("inventory")) {
            String drug = JsonRequest.requireToken("drug", path.get(1));
            if (path.size() == 2) {
                requireMethod(method, "GET");
                return pharmacy.inventory(drug)
                        .map(inv -> new Reply(200, InventoryResource.of(inv.state())))
                        .orElseThrow(() -> ApiError.notFound("no stock was ever received for drug " + drug));
            }
            if (path.get(2).equals("receive")) {
                requireMethod(method, "POST");
                JsonRequest body = body(exchange);
                ReceiveStock receive = new ReceiveStock(drug, body.integer("quantity", 1), clock.instant());
                Optional<String> key = idempotencyKey(exchange);
                requireConnected();
                return new Reply(
                        200,
                        InventoryResource.of(
                                pharmacy.inventoryCommand(drug, receive, key).state()));
            }
        }
        throw ApiError.notFound(
                "no such resource: " + method + " " + exchange.getRequestURI().getRawPath());
    }

    private Reply prescriptions(HttpExchange exchange, String method, List<String> path, Map<String, String> query)
            throws IOException {
        if (path.size() == 1) {
            requireMethod(method, "POST");
            JsonRequest body = body(exchange);
            OrderPrescription order = new OrderPrescription(
                    body.token("prescriptionId"),
                    body.token("patientId"),
                    body.token("drug"),
                    body.integer("quantity", 1),
                    body.text("unit"),
                    body.integer("refills", 0),
                    body.text("prescriberId"),
                    clock.instant());
            Optional<String> key = idempotencyKey(exchange);
            requireConnected();
            Versioned<Prescription> result = pharmacy.prescriptionCommand(order.prescriptionId(), order, key);
            exchange.getResponseHeaders().set("Location", "/prescriptions/" + order.prescriptionId());
            return new Reply(201, PrescriptionResource.of(result.state(), result.version()));
        }
        String id = JsonRequest.requireToken("prescription id", path.get(1));
        if (path.size() == 2) {
            requireMethod(method, "GET");
            Optional<AsOf> asOf = Optional.ofNullable(query.get("asOf")).map(AsOf::parse);
            requireConnected();
            return pharmacy.prescription(id, asOf)
                    .map(p -> new Reply(200, PrescriptionResource.of(p.state(), p.version())))
                    .orElseThrow(() -> ApiError.notFound(
                            "prescription " + id + (asOf.isPresent() ? " had no events then" : " has no events")));
        }
        if (path.size() == 3 && path.get(2).equals("events")) {
            requireMethod(method, "GET");
            requireConnected();
            List<EventResource> events = pharmacy.history(id);
            if (events.isEmpty()) {
                throw ApiError.notFound("prescription " + id + " has no events");
            }
            return new Reply(200, events);
        }
        if (path.size() == 3) {
            requireMethod(method, "POST");
            PrescriptionCommand command = prescriptionCommand(path.get(2), body(exchange));
            Optional<String> key = idempotencyKey(exchange);
            requireConnected();
            Versioned<Prescription> result = pharmacy.prescriptionCommand(id, command, key);
            return new Reply(200, PrescriptionResource.of(result.state(), result.version()));
        }
        throw ApiError.notFound(
                "no such resource: " + method + " " + exchange.getRequestURI().getRawPath());
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

    /** The Idempotency-Key header, validated as a command id. */
    private static Optional<String> idempotencyKey(HttpExchange exchange) {
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (key == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(CommandContext.withCommandId(key.trim()).commandId());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Idempotency-Key: " + e.getMessage());
        }
    }

    private JsonRequest body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new ApiError(413, "too-large", "the body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            return JsonRequest.parse(json, bytes);
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

    private void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(reply.body());
        } catch (IOException e) {
            LOG.error("cannot write response", e);
            bytes = "{\"error\":\"internal\",\"message\":\"cannot write the response\"}"
                    .getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
