package io.phenostream.extractor;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads Parquet files back with DuckDB (an independent reader, as scientists would) for the tests. */
final class ParquetQuery implements AutoCloseable {

    private final Connection connection;

    ParquetQuery() throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
    }

    /** All rows of {@code sql}, each a column-name to value map; {@code ?} in the query is the file path. */
    List<Map<String, Object>> rows(final String sql, final Path file) throws SQLException {
        final List<Map<String, Object>> out = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery(sql.replace("?", "'" + file.toAbsolutePath().toString().replace("'", "''") + "'"))) {
            final ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                final Map<String, Object> row = new LinkedHashMap<>();
                for (int c = 1; c <= md.getColumnCount(); c++) {
                    row.put(md.getColumnLabel(c), rs.getObject(c));
                }
                out.add(row);
            }
        }
        return out;
    }

    Map<String, Object> single(final String sql, final Path file) throws SQLException {
        final List<Map<String, Object>> rows = rows(sql, file);
        if (rows.size() != 1) {
            throw new IllegalStateException("Expected one row from " + sql + ", got " + rows.size());
        }
        return rows.get(0);
    }

    /** The file's key-value metadata. */
    Map<String, String> keyValueMetadata(final Path file) throws SQLException {
        final Map<String, String> out = new LinkedHashMap<>();
        for (final Map<String, Object> row : rows("SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(?)", file)) {
            out.put((String) row.get("k"), (String) row.get("v"));
        }
        return out;
    }

    /** Column name to DuckDB type, in file order. */
    Map<String, String> columnTypes(final Path file) throws SQLException {
        final Map<String, String> out = new LinkedHashMap<>();
        for (final Map<String, Object> row : rows("DESCRIBE SELECT * FROM read_parquet(?)", file)) {
            out.put((String) row.get("column_name"), (String) row.get("column_type"));
        }
        return out;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
