package dev.verdict.testing.nats;

/** Thrown when no usable nats-server (2.12 or newer) can be found or started; the message says how to fix it. */
public final class NatsServerUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NatsServerUnavailable(String message) {
        super(message);
    }

    public NatsServerUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
