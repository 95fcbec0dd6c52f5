package dev.verdict.testing.nats;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes jnats' error callbacks to SLF4J instead of standard error, so test output stays readable. */
public final class QuietErrorListener implements ErrorListener {
    private static final Logger LOG = LoggerFactory.getLogger(QuietErrorListener.class);

    @Override
    public void errorOccurred(Connection conn, String error) {
        LOG.debug("nats error: {}", error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        LOG.debug("nats exception", exp);
    }
}
