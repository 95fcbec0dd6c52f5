package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.decider.DomainRejection;
import dev.verdict.examples.pharmacy.PrescriptionRejection;
import dev.verdict.examples.pharmacy.app.IdempotencyRecords.Answer;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.InvalidIdentifier;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * The API's answers and errors: JSON written by the app's mapper, and every failure – of a command, of the request
 * itself (unknown path, wrong method), or one the servlet container reports ({@code /error}) – as {@code {"error":
 * code, "message": text}} with its status. Never a stack trace to the client; an unexpected failure is a logged 500.
 *
 * <table>
 *   <caption>Failures</caption>
 *   <tr><td>{@link ApiError}</td><td>its status and code (400 bad-request, 404, 405, 413, 503, ...)</td></tr>
 *   <tr><td>{@link DomainRejection}</td><td>409 with the rejection's code; {@code prescription.not-found} is a
 *       404</td></tr>
 *   <tr><td>{@link InvalidIdentifier}</td><td>400 bad-request</td></tr>
 *   <tr><td>Idempotency-Key reused for another request</td><td>422 idempotency-key-reused</td></tr>
 *   <tr><td>NATS or the database unreachable, conflict retries exhausted</td><td>503 unavailable, 409
 *       conflict</td></tr>
 *   <tr><td>Spring MVC's own (no handler, wrong method, ...)</td><td>their status: 404 not-found, 405
 *       method-not-allowed, ...</td></tr>
 * </table>
 */
@RestControllerAdvice
@RestController
final class ApiErrors implements ErrorController {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private final ObjectMapper json;

    private static final String NOT_FOUND = new PrescriptionRejection.NotFound().code();

    ApiErrors(ObjectMapper json) {
        this.json = json;
    }

    /** A response: status, a body that Jackson writes, extra headers. */
    record Reply(int status, Object body, Map<String, String> headers) {
        Reply(int status, Object body) {
            this(status, body, Map.of());
        }
    }

    /** A JSON answer. */
    ResponseEntity<byte[]> json(int status, Object body) {
        return respond(new Reply(status, body));
    }

    /** The reply as a response, its body written by the app's mapper. */
    ResponseEntity<byte[]> respond(Reply reply) {
        return entity(serialize(reply));
    }

    /** The reply as the bytes that are sent (and recorded for an Idempotency-Key). */
    Answer serialize(Reply reply) {
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

    /** The answer as a response: its status, headers and JSON body. */
    ResponseEntity<byte[]> entity(Answer answer) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(answer.status());
        answer.headers().forEach((name, value) -> builder.header(name, value));
        return builder.contentType(MediaType.APPLICATION_JSON).body(answer.body());
    }

    /** A command's answer: {@code done}'s reply for its result, or the refusal's (see {@link #rejected}). */
    <S> Reply decided(Decided<S> decided, Function<Versioned<S>, Reply> done) {
        if (decided instanceof Decided.Done<S> accepted) {
            return done.apply(accepted.result());
        }
        return rejected(((Decided.Refused<S>) decided).rejection());
    }

    /**
     * The domain's refusal: 404 for {@code prescription.not-found}, else 409 with the rejection's code. By code, so a
     * refusal the runtime remembers for a re-sent command ({@code RememberedRejection}) is answered the same.
     */
    Reply rejected(DomainRejection rejection) {
        if (rejection.code().equals(NOT_FOUND)) {
            return error(404, "not-found", rejection.getMessage());
        }
        return error(409, rejection.code(), rejection.getMessage());
    }

    /** Any failure of a request, as its JSON error. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<byte[]> handle(Exception failure, HttpServletRequest request) {
        if (failure instanceof ErrorResponse spring) {
            return mvcError(spring, failure, request);
        }
        if (failure instanceof RuntimeException runtime) {
            return respond(failure(request, runtime));
        }
        if (failure instanceof IOException io) {
            // the request body could not be read: the client went away or sent a broken body
            LOG.debug("cannot read the request body of {} {}: {}", request.getMethod(), request.getRequestURI(), io);
            return respond(error(400, "bad-request", "the request body could not be read"));
        }
        LOG.error("unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), failure);
        return respond(error(500, "internal", "unexpected server error; see the server log"));
    }

    /** The reply to a failure: a 4xx with the error's code, 503 when NATS is unreachable, else a logged 500. */
    Reply failure(HttpServletRequest request, RuntimeException failure) {
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
        if (failure instanceof DomainRejection e) {
            return rejected(e); // a decider's refusal escaping as an exception: answered as the value would be
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
        LOG.error("unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), failure);
        return error(500, "internal", "unexpected server error; see the server log");
    }

    /** Spring MVC's own refusals (no handler, wrong method, ...), with their status and headers (e.g. Allow). */
    private ResponseEntity<byte[]> mvcError(ErrorResponse spring, Exception failure, HttpServletRequest request) {
        int status = spring.getStatusCode().value();
        String message;
        if (failure instanceof NoHandlerFoundException || failure instanceof NoResourceFoundException) {
            message = "no such resource: " + request.getMethod() + " " + request.getRequestURI();
        } else if (failure instanceof HttpRequestMethodNotSupportedException wrong
                && wrong.getSupportedHttpMethods() != null) {
            message = "use " + String.join(", ", wrong.getSupportedMethods()) + " here, not " + wrong.getMethod();
        } else {
            message = spring.getBody().getDetail() == null
                    ? String.valueOf(spring.getStatusCode())
                    : spring.getBody().getDetail();
        }
        return ResponseEntity.status(status)
                .headers(spring.getHeaders())
                .contentType(MediaType.APPLICATION_JSON)
                .body(serialize(error(status, code(status), message)).body());
    }

    /**
     * What the servlet container forwards to {@code /error}: a request refused before it reached the API (e.g. a
     * malformed URL), with the same JSON error body.
     */
    @RequestMapping("/error")
    ResponseEntity<byte[]> containerError(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 ? i : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String message = status == 404
                ? "no such resource: " + (uri == null ? request.getRequestURI() : uri)
                : status >= 500 ? "unexpected server error; see the server log" : "the request was refused";
        return respond(error(status, code(status), message));
    }

    private static String code(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "too-large";
            case 415 -> "unsupported-media-type";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal" : "bad-request";
        };
    }

    static Reply error(int status, String code, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message == null ? "" : message);
        return new Reply(status, body);
    }
}
