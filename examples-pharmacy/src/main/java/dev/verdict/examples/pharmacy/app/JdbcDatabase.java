package dev.verdict.examples.pharmacy.app;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The read model's database as a {@link DataSource}: a new connection per call through {@link DriverManager}, for
 * an H2 file or a PostgreSQL URL alike. The example opens few connections (one for the projection, one per read
 * query), so it needs no pool; a production app would use one (e.g. HikariCP).
 */
final class JdbcDatabase implements DataSource {
    private final String url;
    private final Optional<String> user;
    private final Optional<String> password;

    JdbcDatabase(String url, Optional<String> user, Optional<String> password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (user.isPresent()) {
            return DriverManager.getConnection(url, user.get(), password.orElse(""));
        }
        return DriverManager.getConnection(url);
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        return DriverManager.getConnection(url, username, pass);
    }

    /** The URL with its credentials masked ({@link Redaction}), for log lines and error messages. */
    String describe() {
        return Redaction.redact(url) + user.map(u -> " as " + u).orElse("");
    }

    @Override
    public String toString() {
        return "JdbcDatabase[" + describe() + "]";
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // DriverManager logs on its own
    }

    @Override
    public void setLoginTimeout(int seconds) {
        DriverManager.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
        return DriverManager.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("java.util.logging is not used");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
