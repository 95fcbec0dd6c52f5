package dev.verdict.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.View;
import dev.verdict.evolution.Shelf.Event;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.projection.ViewProjection;
import dev.verdict.projection.jdbc.JdbcProjection;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * A history written by an older release – a split event, a dropped event, a 1:1 upcast – read through every read
 * path, on each store: entity loads and as-of loads at the stored messages' sequences, the catch-up after a conflict,
 * a live view, a partitioned JDBC projection and its rebuild.
 */
abstract class UpcastingReadPathsContract {
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** The store under test, fresh for each test. */
    abstract EventStore store();

    abstract <E> ProjectionRunner.Builder<E> runner(SubjectFilter filter, Projection<E> projection, Class<E> type);

    /** Appends the old release's events one message each, as it did; returns their sequences. */
    static List<Long> appendOld(EventStore store, String shelf, List<EncodedEvent> events) {
        EntityRef ref = EntityRef.of("shelf", shelf);
        List<Long> sequences = new ArrayList<>();
        for (EncodedEvent e : events) {
            sequences.addAll(store.append(ref, store.version(ref), List.of(e), CommandContext.create())
                    .sequences());
        }
        return sequences;
    }

    @Test
    void loadsAndAsOfLoadsFoldTheSplitAndPassOverTheDropAtTheStoredSequences() {
        List<Long> seq = appendOld(store(), "s1", Shelf.OLD_HISTORY);
        try (CommandRuntime runtime = CommandRuntime.builder(store()).build()) {
            EntityHandle<Shelf.Command, Shelf, Event> shelves = runtime.register("shelf", Shelf.DECIDER, Shelf.EVENTS);

            assertThat(shelves.load("s1").state()).isEqualTo(new Shelf(11));
            assertThat(shelves.load("s1").version()).isEqualTo(seq.get(3));
            assertThat(shelves.loadAsOf("s1", seq.get(0)).state()).isEqualTo(new Shelf(5));
            assertThat(shelves.loadAsOf("s1", seq.get(1)).state()).isEqualTo(new Shelf(10)); // +3, then counted 10
            assertThat(shelves.loadAsOf("s1", seq.get(2)).state()).isEqualTo(new Shelf(10)); // the drop: nothing
            assertThat(shelves.loadAsOf("s1", seq.get(2)).version()).isEqualTo(seq.get(2));
        }
    }

    @Test
    void aConflictCatchesUpThroughASplitEventAndDecidesOnItsResult() {
        try (CommandRuntime runtime = CommandRuntime.builder(store()).build()) {
            EntityHandle<Shelf.Command, Shelf, Event> shelves = runtime.register("shelf", Shelf.DECIDER, Shelf.EVENTS);
            assertThat(shelves.handle("s2", new Shelf.Receive(1))).isInstanceOf(Outcome.Accepted.class);
            // the old release, still running, stores an adjustment behind this runtime's cached state
            appendOld(store(), "s2", List.of(Shelf.stored("Adjusted", 1, "{\"amount\":2,\"counted\":4}")));

            Outcome<Shelf, Event> taken = shelves.handle("s2", new Shelf.Take(1));

            assertThat(taken).isInstanceOf(Outcome.Accepted.class);
            assertThat(((Outcome.Accepted<Shelf, Event>) taken).state()).isEqualTo(new Shelf(3)); // 1 +2 =4 counted, -1
            assertThat(shelves.load("s2").state()).isEqualTo(new Shelf(3));
        }
    }

    @Test
    void aLiveViewSeesTheCurrentEventsOfEachStoredMessageOnce() throws Exception {
        appendOld(store(), "s1", Shelf.OLD_HISTORY);
        ViewProjection<List<Event>, Event> view =
                ViewProjection.of("seen", View.of(List.of(), (List<Event> l, Event e) -> {
                    List<Event> next = new ArrayList<>(l);
                    next.add(e);
                    return next;
                }));
        ProjectionRunner<Event> runner =
                runner(shelves(), view, Event.class).ephemeral().build();
        runner.start();
        try {
            runner.caughtUp().get(30, TimeUnit.SECONDS);
            assertThat(view.state()).containsExactlyElementsOf(Shelf.CURRENT_HISTORY);
            List<Long> later = appendOld(store(), "s1", Shelf.OLD_HISTORY); // live, after catching up
            assertThat(runner.awaitPosition(later.get(3), java.time.Duration.ofSeconds(30)))
                    .isTrue();
        } finally {
            runner.stop();
        }
        List<Event> twice = new ArrayList<>(Shelf.CURRENT_HISTORY);
        twice.addAll(Shelf.CURRENT_HISTORY);
        assertThat(view.state()).containsExactlyElementsOf(twice);
    }

    @Test
    void aPartitionedJdbcProjectionAndItsRebuildStoreEachEventOnceWithTheMessagesSequence() throws Exception {
        List<Long> s1 = appendOld(store(), "s1", Shelf.OLD_HISTORY);
        List<Long> s2 = appendOld(store(), "s2", Shelf.OLD_HISTORY);
        DataSource db = database();
        JdbcProjection<Event> rows = JdbcProjection.of("rows", db, UpcastingReadPathsContract::insert, c -> {
            try (Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM seen");
            }
        });
        ProjectionRunner<Event> runner =
                runner(shelves(), rows, Event.class).partitions(2).build();
        runner.start();
        try {
            runner.caughtUp().get(30, TimeUnit.SECONDS);
            assertThat(rows(db)).isEqualTo(expectedRows(s1, s2));
            runner.rebuild(progress -> {}).get(30, TimeUnit.SECONDS);
            assertThat(rows(db)).isEqualTo(expectedRows(s1, s2));
        } finally {
            runner.stop();
            rows.closeConnection();
        }
    }

    private SubjectFilter shelves() {
        return SubjectFilter.category(store().name(), Category.of("shelf"));
    }

    private static void insert(Connection c, DeliveredEvent<Event> e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO seen (shelf, sequence, event) VALUES (?, ?, ?)")) {
            ps.setString(1, e.recorded().entity().id().value());
            ps.setLong(2, e.sequence());
            ps.setString(3, e.event().toString());
            ps.executeUpdate();
        }
    }

    private static DataSource database() throws SQLException {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:upcasting" + NAMES.incrementAndGet() + "x" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE seen (id BIGINT AUTO_INCREMENT PRIMARY KEY, shelf VARCHAR(20),"
                    + " sequence BIGINT, event VARCHAR(200))");
        }
        return ds;
    }

    /** Per shelf, in the order applied: "sequence event". */
    private static List<String> rows(DataSource db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT shelf, sequence, event FROM seen ORDER BY shelf, id")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getString(3));
            }
        }
        return rows;
    }

    private static List<String> expectedRows(List<Long> s1, List<Long> s2) {
        List<String> rows = new ArrayList<>();
        for (String shelf : List.of("s1", "s2")) {
            List<Long> seq = shelf.equals("s1") ? s1 : s2;
            List<Event> e = Shelf.CURRENT_HISTORY;
            rows.add(shelf + " " + seq.get(0) + " " + e.get(0));
            rows.add(shelf + " " + seq.get(1) + " " + e.get(1)); // the split: both at the message's sequence
            rows.add(shelf + " " + seq.get(1) + " " + e.get(2));
            rows.add(shelf + " " + seq.get(3) + " " + e.get(3)); // the drop (seq 2) stored nothing
        }
        return rows;
    }
}
