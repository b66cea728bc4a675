package io.phenostream.sink;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.SiteQc;
import io.phenostream.common.events.WellProfile;
import java.util.List;
import java.util.Map;

/** Result events with hand-picked values for the tests. */
final class TestEvents {

    private TestEvents() {
    }

    static PlateRun plateRun(final String exp, final String plate, final String run) {
        return new PlateRun(1, exp, plate, run, PlateLayout.WELLS_96, List.of("DNA", "Actin"), "DNA", "Actin", 2, 192,
            List.of(new PlateMapEntry(WellId.parse("A01"), "DMSO", null, null, WellRole.NEGATIVE_CONTROL, Map.of()),
                new PlateMapEntry(WellId.parse("A02"), "cpd-1", 10.0, "uM", WellRole.TREATMENT, Map.of("batch", "7"))),
            "cli:/data/" + plate, "2024-05-01T10:00:00Z", false);
    }

    static SiteFeatures site(final String analysis, final String exp, final String plate, final String well,
                             final int site, final int cells) {
        return new SiteFeatures(1, analysis, AnalysisSpec.classicalDefaults(), exp, plate, "r1", WellId.parse(well),
            site, SiteFeatures.Status.OK, null, cells, Map.of("area", 101.5, "dna_mean", 0.25),
            new SiteQc(0.8, 0.001, List.of()),
            List.of(new ImageRef("DNA", "bucket", "images/ab/abcdef", "abcdef0123", 1024, "A01_s1_w1.tif")),
            "s3://bucket/cells/" + plate + "/" + well + "/" + site + ".parquet", "2024-05-01T10:05:00Z");
    }

    static WellProfile well(final String analysis, final String exp, final String plate, final String well,
                            final String compound, final Double conc, final WellRole role, final double cells,
                            final Map<String, Double> normalized, final Double score, final Double axis,
                            final boolean fin, final String updatedAt) {
        return new WellProfile(1, analysis, exp, plate, "r1", WellId.parse(well), compound, conc,
            conc == null ? null : "uM", role, 2, 2, 2, cells, Map.of("area", 100.0), normalized, score, 0.5, axis,
            false, fin, updatedAt);
    }

    static CompoundScore compound(final String analysis, final String exp, final String compound, final int rank,
                                  final double score, final double q, final boolean fin, final String updatedAt) {
        return new CompoundScore(1, analysis, exp, compound, rank, score, q / 2, q, q <= 0.05,
            new CompoundScore.DoseResponseFit("OK", 1.5, 1.2, 0.9, 0.0, 0.97, CompoundScore.DoseResponseFit.COMPOUND_AXIS),
            8.5, 4, List.of(new CompoundScore.DosePoint(1.0, 2.0, 0.1, 2, List.of(0.25, 0.35)),
                new CompoundScore.DosePoint(10.0, 8.0, 0.9, 2, List.of(0.85, 0.95))),
            List.of("P1"), fin, updatedAt);
    }

    /** {@link #compound} with replicate agreement (mAP, its p-value and q-value). */
    static CompoundScore compound(final String analysis, final String exp, final String compound, final int rank,
                                  final double score, final double q, final boolean fin, final String updatedAt,
                                  final Double replicateMap, final Double replicateMapP, final Double replicateMapQ) {
        final CompoundScore c = compound(analysis, exp, compound, rank, score, q, fin, updatedAt);
        return new CompoundScore(c.schemaVersion(), c.analysisId(), c.experimentId(), c.compound(), c.rank(),
            c.score(), c.pValue(), c.qValue(), c.hit(), c.fit(), c.maxEffect(), c.nWells(), c.doses(), c.plates(),
            c.finalResult(), c.updatedAt(), replicateMap, replicateMapP, replicateMapQ);
    }

    static PlateQc plateQc(final String analysis, final String exp, final String plate, final PlateQc.Status status,
                           final Double zPrime, final String updatedAt) {
        return new PlateQc(1, analysis, exp, plate, "r1", zPrime, 4.25, 96, 96, 12345L, 190, 192, 1, 1, status,
            List.of("edge-effect"), updatedAt);
    }
}
