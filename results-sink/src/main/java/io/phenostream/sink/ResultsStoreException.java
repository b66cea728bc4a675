package io.phenostream.sink;

import java.sql.SQLException;

/**
 * A failed read or write of the results database. {@link #isDataError()} tells a record the database refuses
 * (SQLSTATE class 22 data exception or 23 integrity violation: retrying will not help) from an outage
 * (connection, deadlock, disk: retry).
 */
public final class ResultsStoreException extends RuntimeException {

    private final String sqlState;

    public ResultsStoreException(final String message, final SQLException cause) {
        super(message + ": " + describe(cause), cause);
        this.sqlState = stateOf(cause);
    }

    public String sqlState() {
        return sqlState;
    }

    public boolean isDataError() {
        return sqlState != null && (sqlState.startsWith("22") || sqlState.startsWith("23"));
    }

    // A batch failure hides the statement's own error behind getNextException().
    private static String stateOf(final SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null) {
                return x.getSQLState();
            }
        }
        return null;
    }

    private static String describe(final SQLException e) {
        final SQLException next = e.getNextException();
        return next != null && next != e ? next.getMessage() : e.getMessage();
    }
}
