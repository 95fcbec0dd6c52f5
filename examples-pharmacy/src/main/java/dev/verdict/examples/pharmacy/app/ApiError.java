package dev.verdict.examples.pharmacy.app;

/**
 * A refusal of an HTTP request, answered as {@code {"error": code, "message": text}} with {@link #status()}.
 *
 * <p>Codes: {@code bad-request} (400), {@code not-found} (404), a rejection's own code such as {@code
 * prescription.over-dispense} (409, or 404 for {@code prescription.not-found}), {@code conflict} (409, concurrency
 * retries exhausted), {@code unavailable} (503, NATS unreachable).
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "bad-request", message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "not-found", message);
    }

    static ApiError unavailable(String message) {
        return new ApiError(503, "unavailable", message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
