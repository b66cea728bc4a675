package io.phenostream.sink.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HitQueryTest {

    @Test
    void defaultsAndParsing() {
        final HitQuery d = HitQuery.from(QueryParams.parse(null));
        assertEquals("rank", d.sort());
        assertEquals(100, d.limit());
        assertEquals("c.rank ASC NULLS LAST, c.rank, c.compound", d.orderBy());
        final HitQuery q = HitQuery.from(QueryParams.parse("maxQ=0.05&minScore=&role=Positive_Control&cytotoxic=no"
            + "&sort=SCORE&limit=5&offset=10&analysis=a%2Bb"));
        assertEquals(0.05, q.maxQ());
        assertNull(q.minScore(), "an empty form field is no filter");
        assertEquals("positive_control", q.role());
        assertEquals(Boolean.FALSE, q.cytotoxic());
        assertTrue(q.descending(), "score sorts high first by default");
        assertEquals("c.score DESC NULLS LAST, c.rank, c.compound", q.orderBy());
        assertEquals("a+b", q.analysisId());
        assertEquals(10, q.offset());
    }

    @Test
    void badValuesNameTheParameter() {
        for (final String bad : List.of("maxQ=x", "maxQ=-0.1", "maxQ=Infinity", "minScore=1e99", "limit=10001",
            "offset=abc", "sort=rank;drop", "order=up", "role=x", "cytotoxic=2", "limit=1&limit=2")) {
            final ApiException e = assertThrows(ApiException.class, () -> HitQuery.from(QueryParams.parse(bad)), bad);
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains(bad.substring(0, bad.indexOf('='))), e.getMessage());
        }
    }
}
