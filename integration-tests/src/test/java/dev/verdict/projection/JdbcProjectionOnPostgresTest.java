package dev.verdict.projection;

import dev.verdict.testing.postgres.PostgresExtension;
import dev.verdict.testing.postgres.PostgresServer;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link JdbcProjection} on a real, throwaway PostgreSQL; skipped with a notice only when PostgreSQL is not installed
 * (see {@code scripts/install-postgres}).
 */
class JdbcProjectionOnPostgresTest extends JdbcProjectionContract {
    @RegisterExtension
    static final PostgresExtension POSTGRES = PostgresExtension.throwaway();

    @Override
    DataSource newDatabase(String name) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(POSTGRES.server().createDatabase(name));
        ds.setUser(PostgresServer.USER);
        return ds;
    }
}
