package io.phenostream.sink.api;

import io.phenostream.common.domain.WellRole;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Filters, order and page of a hit-list request. Sort keys map to fixed SQL expressions ({@link #orderBy()}), so no
 * request text ever reaches the SQL string; every filter value travels as a bind parameter.
 *
 * <p>Parameters: {@code analysis}, {@code maxQ} (0..1), {@code minScore}, {@code role} (a compound with at least one
 * well of that role), {@code cytotoxic} (true: at least one cytotoxic well; false: none), {@code sort}
 * (rank, score, q, p, ec50, compound, map, effect), {@code order} (asc, desc; default asc for rank, q, p, ec50 and
 * compound, desc for score, map and effect), {@code limit} (1..10000, default 100), {@code offset} (default 0).
 */
public record HitQuery(String analysisId, Double maxQ, Double minScore, String role, Boolean cytotoxic, String sort,
                       boolean descending, int limit, int offset) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;

    /** Sort key -> SQL expression on compound_scores aliased c. */
    static final Map<String, String> SORT_COLUMNS;

    static {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("rank", "c.rank");
        m.put("score", "c.score");
        m.put("q", "c.q_value");
        m.put("p", "c.p_value");
        m.put("ec50", "c.ec50");
        m.put("compound", "c.compound");
        m.put("map", "c.replicate_map");
        m.put("effect", "c.max_effect");
        SORT_COLUMNS = java.util.Collections.unmodifiableMap(m);
    }

    private static final Set<String> DESCENDING_BY_DEFAULT = Set.of("score", "map", "effect");
    private static final Set<String> ROLES = Arrays.stream(WellRole.values()).map(WellRole::label)
        .collect(Collectors.toUnmodifiableSet());

    public HitQuery {
        if (!SORT_COLUMNS.containsKey(sort)) {
            throw new IllegalArgumentException("Unknown sort key " + sort);
        }
    }

    /** The whole ranked list of the latest analysis. */
    public static HitQuery all() {
        return new HitQuery(null, null, null, null, null, "rank", false, MAX_LIMIT, 0);
    }

    public static HitQuery from(final QueryParams p) {
        final String sort = p.choice("sort", SORT_COLUMNS.keySet()).orElse("rank");
        final boolean descending = p.choice("order", Set.of("asc", "desc"))
            .map("desc"::equals).orElse(DESCENDING_BY_DEFAULT.contains(sort));
        return new HitQuery(p.text("analysis").orElse(null), p.number("maxQ", 0, 1).orElse(null),
            p.number("minScore", -1e12, 1e12).orElse(null), p.choice("role", ROLES).orElse(null),
            p.bool("cytotoxic").orElse(null), sort, descending,
            p.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), p.integer("offset", 0, 0, 100_000_000));
    }

    /** The ORDER BY clause: the chosen key, then rank and compound so pages are stable. */
    String orderBy() {
        return SORT_COLUMNS.get(sort) + (descending ? " DESC" : " ASC") + " NULLS LAST, c.rank, c.compound";
    }

    /** The same query on another page. */
    public HitQuery page(final int newOffset) {
        return new HitQuery(analysisId, maxQ, minScore, role, cytotoxic, sort, descending, limit, newOffset);
    }
}
