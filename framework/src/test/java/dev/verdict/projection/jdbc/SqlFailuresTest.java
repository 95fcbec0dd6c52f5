package dev.verdict.projection.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which SQL failures are the storage's (retried) and which are the event's or the handler's (may be poison). */
class SqlFailuresTest {

    @Test
    void storageFaultsAreTransient() {
        for (String state : List.of(
                "08006", "08001", "40001", "40P01", "53300", "53100", "53200", "25006", "57014", "57P01", "57P03",
                "55P03", "55006", "58030", "XX000", "HYT00", "25P02")) {
            assertThat(SqlFailures.isTransient(new SQLException("x", state)))
                    .as("SQLState %s", state)
                    .isTrue();
        }
        assertThat(SqlFailures.isTransient(new SQLTransientConnectionException("down")))
                .isTrue();
        assertThat(SqlFailures.isTransient(new SQLRecoverableException("lost"))).isTrue();
    }

    @Test
    void faultsOfTheEventOrTheHandlerAreNot() {
        for (String state : List.of("23505", "23503", "22003", "22P02", "42P01", "42703", "42601", "0A000", "40002")) {
            assertThat(SqlFailures.isTransient(new SQLException("x", state)))
                    .as("SQLState %s", state)
                    .isFalse();
        }
        assertThat(SqlFailures.isTransient(new SQLException("no state"))).isFalse();
        assertThat(SqlFailures.isTransient(new IllegalArgumentException("bad event")))
                .isFalse();
    }

    @Test
    void aWrappedStorageFaultCountsAsOne() {
        RuntimeException wrapped = new IllegalStateException("write failed", new SQLException("read-only", "25006"));
        assertThat(SqlFailures.isTransient(wrapped)).isTrue();
        SQLException batch = new SQLException("batch entry failed", "23505");
        batch.setNextException(new SQLException("terminating connection", "57P01"));
        assertThat(SqlFailures.isTransient(batch)).isTrue();
    }
}
