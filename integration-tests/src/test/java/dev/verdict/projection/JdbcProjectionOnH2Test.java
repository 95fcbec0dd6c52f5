package dev.verdict.projection;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** {@link JdbcProjection} on the embedded H2 database. */
class JdbcProjectionOnH2Test extends JdbcProjectionContract {

    @Override
    DataSource newDatabase(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }
}
