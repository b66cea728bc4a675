package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The outage ITs' result comparison tells equal results from different ones (it is what those tests rest on). */
class OutagePipelineTest {

    record Row(String well, Double score, Map<String, Double> normalized, boolean hit, Instant updatedAt) {
    }

    private static Row row(final double score, final double feature, final boolean hit, final Instant at) {
        return new Row("A01", score, Map.of("area", feature), hit, at);
    }

    @Test
    void equalRowsPassWhateverTheirTimestamps() {
        OutagePipeline.assertSameRows("rows", List.of(row(2.5, 1.0, true, Instant.EPOCH)),
            List.of(row(2.5 + 1e-12, 1.0, true, Instant.now())));
    }

    @Test
    void aDifferentScoreFeatureFlagOrCountFails() {
        final List<Row> expected = List.of(row(2.5, 1.0, true, Instant.EPOCH));
        assertThrows(AssertionError.class, () -> OutagePipeline.assertSameRows("rows", expected,
            List.of(row(2.5 + 1e-6, 1.0, true, Instant.EPOCH))));
        assertThrows(AssertionError.class, () -> OutagePipeline.assertSameRows("rows", expected,
            List.of(row(2.5, 1.0 + 1e-6, true, Instant.EPOCH))));
        assertThrows(AssertionError.class, () -> OutagePipeline.assertSameRows("rows", expected,
            List.of(row(2.5, 1.0, false, Instant.EPOCH))));
        assertThrows(AssertionError.class, () -> OutagePipeline.assertSameRows("rows", expected, List.of()));
        assertThrows(AssertionError.class, () -> OutagePipeline.assertSameRows("rows", expected,
            List.of(new Row("A01", null, Map.of("area", 1.0), true, Instant.EPOCH))));
    }
}
