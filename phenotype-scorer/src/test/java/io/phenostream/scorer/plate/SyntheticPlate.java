package io.phenostream.scorer.plate;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.SiteQc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A 96-well plate built in the test: columns 1 and 12 negative controls (16 wells), column 2 positive controls
 * (8 wells, +3 on every feature), columns 3-4 compound ACT at 8 half-log doses (rows A-H, 1 nM..3.16 uM, two
 * replicates) shifted by {@code 4 / (1 + EC50/x)} on every feature with EC50 = 100 nM, columns 5-11 inactive
 * compounds INA..IND. Site features are N(0,1) plus the shift; 2 sites per well, 100 +- 10 cells per site.
 */
final class SyntheticPlate {

    static final String ANALYSIS = "a-test";
    static final String EXPERIMENT = "exp1";
    static final int FEATURES = 20;
    static final int SITES_PER_WELL = 2;
    static final double ACT_EC50 = 1e-7;

    final PlateRun run;
    final List<SiteFeatures> sites = new ArrayList<>();

    SyntheticPlate(final String plateId, final long seed) {
        this(plateId, seed, 3.0);
    }

    SyntheticPlate(final String plateId, final long seed, final double positiveShift) {
        final Random rnd = new Random(seed);
        final List<PlateMapEntry> map = new ArrayList<>();
        final String[] inactive = {"INA", "INA", "INB", "INB", "INC", "INC", "IND"};
        for (int row = 0; row < 8; row++) {
            final double dose = 1e-9 * Math.pow(10, 0.5 * row);
            for (int col = 1; col <= 12; col++) {
                final WellId w = WellId.of(row, col);
                final PlateMapEntry e;
                if (col == 1 || col == 12) {
                    e = new PlateMapEntry(w, "DMSO", null, "", WellRole.NEGATIVE_CONTROL, null);
                } else if (col == 2) {
                    e = new PlateMapEntry(w, "POS", 1e-6, "M", WellRole.POSITIVE_CONTROL, null);
                } else if (col <= 4) {
                    e = new PlateMapEntry(w, "ACT", dose, "M", WellRole.TREATMENT, null);
                } else {
                    e = new PlateMapEntry(w, inactive[col - 5], dose, "M", WellRole.TREATMENT, null);
                }
                map.add(e);
            }
        }
        run = new PlateRun(PlateRun.SCHEMA_VERSION, EXPERIMENT, plateId, "r1", PlateLayout.WELLS_96, List.of("dna"),
            "dna", null, SITES_PER_WELL, map.size() * SITES_PER_WELL, map, "test", "2024-01-01T00:00:00Z", false);
        for (final PlateMapEntry e : map) {
            final double[] shift = new double[FEATURES];
            if (e.role() == WellRole.POSITIVE_CONTROL) {
                for (int f = 0; f < FEATURES; f++) {
                    shift[f] = positiveShift;
                }
            } else if ("ACT".equals(e.compound())) {
                for (int f = 0; f < FEATURES; f++) {
                    shift[f] = 4.0 / (1.0 + ACT_EC50 / e.concentration());
                }
            }
            for (int s = 1; s <= SITES_PER_WELL; s++) {
                final Map<String, Double> features = new LinkedHashMap<>();
                for (int f = 0; f < FEATURES; f++) {
                    features.put(String.format("f%02d", f), shift[f] + rnd.nextGaussian());
                }
                sites.add(site(e.well(), s, SiteFeatures.Status.OK, (int) Math.round(100 + 10 * rnd.nextGaussian()),
                    features, 1.0 + 0.05 * rnd.nextGaussian(), "2024-01-01T00:00:01Z"));
            }
        }
    }

    SiteFeatures site(final WellId well, final int site, final SiteFeatures.Status status, final int cells,
                      final Map<String, Double> features, final double focus, final String processedAt) {
        return new SiteFeatures(SiteFeatures.SCHEMA_VERSION, ANALYSIS, AnalysisSpec.classicalDefaults(), EXPERIMENT,
            run.plateId(), run.runId(), well, site, status, status == SiteFeatures.Status.FAILED ? "boom" : null,
            cells, features, new SiteQc(focus, 0.0, List.of()), List.of(), null, processedAt);
    }
}
