package dev.verdict.examples.pharmacy.app;

import dev.verdict.store.RecordedEvent;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsRecordedEvents;
import dev.verdict.testing.postgres.PostgresServer;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.Message;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the store and the read model of {@link InstancesScenario} hold: every stream's events (with their positions, see
 * {@link InstancesScenario#OFFSET}), the read model's rows, and the audited read-model tables it prepares.
 */
final class StoredTruth {
    private StoredTruth() {}

    /** The read model's tables in the test mode: one, or one per shard. */
    static List<PatientPrescriptionsTable> tables() {
        return PatientPrescriptionsTable.of(TestMode.streams().size());
    }

    /**
     * Creates the read model's tables before any instance does, each with a trigger that records every applied change
     * by its event's position (the row's version, plus its shard × {@link InstancesScenario#OFFSET}).
     */
    static void prepareAuditedReadModel(String jdbcUrl) throws SQLException {
        try (java.sql.Connection c = DriverManager.getConnection(jdbcUrl, PostgresServer.USER, "");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE applied_events (id BIGSERIAL PRIMARY KEY, prescription_id VARCHAR(128) NOT NULL,"
                    + " version BIGINT NOT NULL)");
            s.execute("CREATE FUNCTION audit_applied() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO applied_events (prescription_id, version)"
                    + " VALUES (NEW.prescription_id, NEW.version + TG_ARGV[0]::bigint);"
                    + " RETURN NEW; END $$");
            List<PatientPrescriptionsTable> tables = tables();
            for (int k = 0; k < tables.size(); k++) {
                tables.get(k).create(c);
                s.execute("CREATE TRIGGER audit_applied AFTER INSERT OR UPDATE ON "
                        + tables.get(k).name() + " FOR EACH ROW EXECUTE FUNCTION audit_applied('"
                        + (k * InstancesScenario.OFFSET)
                        + "')");
            }
        }
    }

    /** Every row of the read model by prescription id: patient, drug, status, quantity, dispensed, refills, version. */
    static Map<String, List<Object>> rows(java.sql.Connection c, List<PatientPrescriptionsTable> tables)
            throws SQLException {
        Map<String, List<Object>> rows = new TreeMap<>();
        try (PreparedStatement s = c.prepareStatement(tables.stream()
                        .map(t -> "SELECT prescription_id, patient_id, drug, status, quantity, dispensed,"
                                + " refills_left, version FROM " + t.name())
                        .collect(Collectors.joining(" UNION ALL ")));
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                rows.put(
                        r.getString(1),
                        List.of(
                                r.getString(2),
                                r.getString(3),
                                r.getString(4),
                                r.getInt(5),
                                r.getInt(6),
                                r.getInt(7),
                                r.getLong(8)));
            }
        }
        return rows;
    }

    /**
     * Appends each stream's events after its last one in {@code events}, up to the stream's current end, with their
     * positions as sequences (see {@link InstancesScenario#OFFSET}).
     */
    static void readStream(Connection nc, List<RecordedEvent> events) throws Exception {
        List<String> streams = TestMode.streams();
        for (int k = 0; k < streams.size(); k++) {
            readStream(nc, k, streams.get(k), events);
        }
    }

    private static void readStream(Connection nc, int shard, String stream, List<RecordedEvent> events)
            throws Exception {
        long after = events.stream()
                        .mapToLong(RecordedEvent::sequence)
                        .filter(q -> q / InstancesScenario.OFFSET == shard)
                        .max()
                        .orElse(shard * InstancesScenario.OFFSET)
                % InstancesScenario.OFFSET;
        long last =
                nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getLastSequence();
        if (last <= after) {
            return;
        }
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration()
                .filterSubject(stream + ".>")
                .deliverPolicy(DeliverPolicy.ByStartSequence)
                .startSequence(after + 1);
        try (IterableConsumer consumer =
                nc.getStreamContext(stream).createOrderedConsumer(config).iterate()) {
            long at = after;
            while (at < last) {
                Message m = consumer.nextMessage(Duration.ofSeconds(10));
                if (m == null) {
                    throw new AssertionError(
                            "stream " + stream + " did not deliver sequence " + (at + 1) + " of " + last);
                }
                at = m.metaData().streamSequence();
                RecordedEvent e = NatsRecordedEvents.fromMessage(StoreName.of(stream), m);
                events.add(new RecordedEvent(
                        e.entity(),
                        shard * InstancesScenario.OFFSET + e.sequence(),
                        e.storedAt(),
                        e.eventId(),
                        e.time(),
                        e.event(),
                        e.commandId(),
                        e.correlationId(),
                        e.causationId(),
                        e.metadata()));
            }
        }
    }
}
