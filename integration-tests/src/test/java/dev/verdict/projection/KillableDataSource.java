package dev.verdict.projection;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The database as one process sees it: after {@link #kill()} its sessions are gone (closed from outside, so a
 * transaction in progress is rolled back and its next statement fails) and it cannot open new ones – what the database
 * sees when the process is SIGKILLed. The worker threads of the "dead" instance go on running in the test's JVM, but
 * nothing they do reaches the database any more.
 */
final class KillableDataSource implements DataSource {
    private final DataSource delegate;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean dead;

    KillableDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    void kill() {
        dead = true;
        for (Connection c : open) {
            try {
                c.close();
            } catch (SQLException e) {
                // gone already
            }
        }
        open.clear();
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (dead) {
            throw new SQLNonTransientConnectionException("the instance was killed", "08001");
        }
        Connection c = delegate.getConnection();
        open.add(c);
        if (dead) {
            kill();
            throw new SQLNonTransientConnectionException("the instance was killed", "08001");
        }
        return c;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("user and password come from the delegate");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return delegate.isWrapperFor(iface);
    }
}
