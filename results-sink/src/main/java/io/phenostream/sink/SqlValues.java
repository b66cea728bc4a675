package io.phenostream.sink;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.phenostream.common.json.Json;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;

/**
 * Conversions between event values and SQL parameters/columns. Non-finite doubles become NULL (in columns and
 * inside JSON): PostgreSQL's jsonb has no NaN, and a NULL score reads more honestly than NaN in SQL aggregates.
 */
final class SqlValues {

    private static final TypeReference<Map<String, Double>> FEATURE_MAP = new TypeReference<>() { };
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() { };

    private SqlValues() {
    }

    static void setDouble(final PreparedStatement ps, final int index, final Double value) throws SQLException {
        if (value == null || !Double.isFinite(value)) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }

    /** Parses an ISO-8601 instant or offset date-time; null (the SQL then uses now()) when absent or unreadable. */
    static void setTimestamp(final PreparedStatement ps, final int index, final String iso) throws SQLException {
        final OffsetDateTime t = parseTime(iso);
        if (t == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, t);
        }
    }

    static OffsetDateTime parseTime(final String iso) {
        if (iso == null || iso.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(iso.trim()).atOffset(ZoneOffset.UTC);
        } catch (final DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(iso.trim());
            } catch (final DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** JSON text for a jsonb parameter ({@code CAST(? AS jsonb)}), or null. */
    static String json(final Object value) {
        if (value == null) {
            return null;
        }
        final JsonNode tree = Json.MAPPER.valueToTree(value);
        return Json.write(finite(tree));
    }

    private static JsonNode finite(final JsonNode node) {
        if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            return NullNode.getInstance();
        }
        if (node instanceof ObjectNode obj) {
            final Iterator<Entry<String, JsonNode>> it = obj.fields();
            while (it.hasNext()) {
                final Entry<String, JsonNode> e = it.next();
                e.setValue(finite(e.getValue()));
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                arr.set(i, finite(arr.get(i)));
            }
        }
        return node;
    }

    static Double getDouble(final ResultSet rs, final String column) throws SQLException {
        final double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    static Instant getInstant(final ResultSet rs, final String column) throws SQLException {
        final OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Map<String, Double> featureMap(final String json, final String what) {
        if (json == null) {
            return Map.of();
        }
        try {
            return Json.MAPPER.readValue(json, FEATURE_MAP);
        } catch (final IOException e) {
            throw new IllegalStateException("Unreadable feature map in " + what + ": " + e.getMessage(), e);
        }
    }

    static List<String> stringList(final String json, final String what) {
        if (json == null) {
            return List.of();
        }
        try {
            return Json.MAPPER.readValue(json, STRING_LIST);
        } catch (final IOException e) {
            throw new IllegalStateException("Unreadable list in " + what + ": " + e.getMessage(), e);
        }
    }
}
