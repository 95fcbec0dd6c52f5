package dev.verdict.examples.pharmacy.app;

/**
 * Why the pharmacy cannot start, in one sentence a user can act on (NATS unreachable, database unreachable, port
 * taken), with every credential masked. Thrown while the application context is built; {@link PharmacyApp#start}
 * throws it as is, and Spring Boot's failure report shows it ({@link PharmacyStartFailureAnalyzer}).
 */
final class PharmacyStartFailure extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PharmacyStartFailure(String message) {
        super(message);
    }
}
