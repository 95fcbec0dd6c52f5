package dev.verdict.examples.pharmacy.app;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the NATS connection's life through SLF4J: one warning when it is lost, one line when it is back, instead of
 * the client's default of a stack trace per failed reconnect attempt. URLs and messages are {@linkplain Redaction
 * redacted}: a {@code NATS_URL} with user and password never reaches the log.
 */
final class NatsConnectionLog implements ConnectionListener, ErrorListener {
    private static final Logger LOG = LoggerFactory.getLogger(NatsConnectionLog.class);
    private final AtomicBoolean down = new AtomicBoolean();

    @Override
    @SuppressWarnings("deprecation") // the interface's only abstract method; the client calls the overload below
    public void connectionEvent(Connection connection, Events event) {
        connectionEvent(connection, event, System.currentTimeMillis(), "");
    }

    @Override
    public void connectionEvent(Connection connection, Events event, Long time, String uriDetails) {
        if (event == Events.DISCONNECTED && down.compareAndSet(false, true)) {
            LOG.warn("lost the connection to NATS; reconnecting (the API answers 503 meanwhile)");
        } else if ((event == Events.RECONNECTED || event == Events.RESUBSCRIBED) && down.compareAndSet(true, false)) {
            LOG.info("reconnected to NATS at {}", Redaction.redact(connection.getConnectedUrl()));
        }
    }

    @Override
    public void errorOccurred(Connection connection, String error) {
        LOG.warn("NATS error: {}", Redaction.redact(error));
    }

    @Override
    public void exceptionOccurred(Connection connection, Exception exception) {
        LOG.debug("NATS connection: {}", Redaction.redact(exception.toString()));
    }
}
