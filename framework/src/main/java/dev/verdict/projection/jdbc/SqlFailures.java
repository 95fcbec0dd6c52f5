package dev.verdict.projection.jdbc;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Tells a failure of the projection's own storage (a retry helps: the database restarts, fails over, is out of
 * connections, holds a lock, is read-only for a while) from one the event or the handler's logic causes (a constraint
 * the handler violates, a value it cannot convert, a statement with an error). When in doubt it says "storage": a
 * storage fault taken for the event's would dead-letter an event that is fine and leave the read model wrong, while the
 * opposite mistake only retries an event that fails again.
 */
final class SqlFailures {
    /**
     * SQLState classes (the first two characters) that mean the event or the handler's logic is at fault: retrying the
     * same statement on the same data gives the same answer. Every other class is taken as a storage fault.
     */
    private static final Set<String> LOGIC_CLASSES = Set.of(
            "0A", // feature not supported
            "21", // cardinality violation
            "22", // data exception (a value out of range, not convertible, too long...)
            "23", // integrity constraint violation (unique, foreign key, not null, check)
            "26", // invalid SQL statement name
            "27", // triggered data change violation
            "2B", // dependent privilege descriptors still exist
            "2F", // SQL routine exception
            "34", // invalid cursor name
            "38", // external routine exception
            "39", // external routine invocation exception
            "3B", // savepoint exception
            "3D", // invalid catalog name
            "3F", // invalid schema name
            "42", // syntax error or access rule violation (unknown table or column, ...)
            "44", // WITH CHECK OPTION violation
            "54", // program limit exceeded (statement too complex, too many columns)
            "P0" // PL/pgSQL raise exception
            );

    /** SQLStates inside otherwise transient classes that still are the handler's doing. */
    private static final Set<String> LOGIC_STATES = Set.of(
            "40002" // integrity constraint violation detected at commit (deferred constraint)
            );

    private SqlFailures() {}

    /**
     * Whether retrying may succeed: a connection-level exception type ({@link SQLTransientException}, {@link
     * SQLRecoverableException}, {@link SQLNonTransientConnectionException}), or a SQLState outside the classes that
     * name the statement's or the data's fault. Looks through the causes, so a handler that wraps a {@link
     * SQLException} in its own exception is classified by it.
     */
    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException e) {
                for (SQLException s = e; s != null; s = s.getNextException() == s ? null : s.getNextException()) {
                    if (isTransient(s)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether the failure or one of its causes is a {@link SQLException} at all. */
    static boolean isSql(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTransient(SQLException e) {
        if (e instanceof SQLTransientException
                || e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException) {
            return true;
        }
        String state = e.getSQLState();
        if (state == null || state.length() != 5) {
            return false; // no standard state: the connection check decides (see JdbcProjection)
        }
        state = state.toUpperCase(java.util.Locale.ROOT);
        if (LOGIC_STATES.contains(state)) {
            return false;
        }
        if (state.startsWith("HY")) {
            return state.equals("HYT00") || state.equals("HYT01"); // timeouts (H2's lock timeout)
        }
        if (state.startsWith("9")) {
            return false; // vendor-specific (H2's 90xxx): the connection check decides
        }
        return !LOGIC_CLASSES.contains(state.substring(0, 2));
    }
}
