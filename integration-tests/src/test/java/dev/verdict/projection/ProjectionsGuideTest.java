package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.jdbc.JdbcProjection;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The first example of docs/projections.md, kept compiling and working (counters instead of prescriptions). */
class ProjectionsGuideTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Test
    void theGuidesFirstExampleFillsATableAndCatchesUp() throws Exception {
        try (Connection natsConnection = NATS.server().connect()) {
            EventStreamFixture stream = new EventStreamFixture(natsConnection, "guide");
            stream.append(new CounterEvent.Added("c-1", 1));
            stream.append(new CounterEvent.Added("c-2", 1));
            JdbcDataSource dataSource = new JdbcDataSource();
            dataSource.setURL("jdbc:h2:mem:guide;DB_CLOSE_DELAY=-1");
            try (var c = dataSource.getConnection();
                    var st = c.createStatement()) {
                st.executeUpdate("CREATE TABLE counters (id VARCHAR(64) PRIMARY KEY, status VARCHAR(16))");
            }
            CounterCodec codec = new CounterCodec();

            SubjectFilter counters = SubjectFilter.category(StoreName.of("guide"), Category.of("counter"));

            JdbcProjection<CounterEvent> list = JdbcProjection.of(
                    "counter-list",
                    dataSource,
                    (connection, delivered) -> { // runs inside the projection's transaction
                        try (var ps = connection.prepareStatement("INSERT INTO counters (id, status) VALUES (?, ?)")) {
                            ps.setString(1, delivered.recorded().entity().id().value());
                            ps.setString(2, "ordered");
                            ps.executeUpdate();
                        }
                    },
                    connection -> { // clears the data before a rebuild
                        try (var st = connection.createStatement()) {
                            st.executeUpdate("DELETE FROM counters");
                        }
                    });

            ProjectionRunner<CounterEvent> runner = NatsProjections.runner(natsConnection, counters, codec, list)
                    .build();
            runner.start();
            runner.caughtUp().get(30, TimeUnit.SECONDS); // every event that existed at start is in the table
            runner.stop(); // no thread is left behind
            list.closeConnection();

            try (var c = dataSource.getConnection();
                    var st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM counters")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
    }
}
