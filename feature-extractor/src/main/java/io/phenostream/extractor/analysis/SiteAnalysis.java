package io.phenostream.extractor.analysis;

import io.phenostream.common.events.SiteQc;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Result of analysing one site.
 *
 * @param cellCount    number of segmented cells (= rows of {@code cellFeatures})
 * @param featureNames names of the per-cell feature columns, in a stable order for a given set of channels
 * @param cellFeatures one row per cell, columns as {@code featureNames}; NaN where a value is undefined (a cell
 *                     with no cytoplasm has no cytoplasm mean)
 * @param siteFeatures median over cells of each per-cell feature plus {@code cell_count}; only
 *                     {@code cell_count = 0} when there are no cells
 * @param qc           focus, saturation and flags of the site (measured on the raw images)
 * @param illumination per channel, the id of the illumination function the site was corrected with
 * @param crops        one crop per cell (row order of {@code cellFeatures}), or null when none were asked for
 * @param masks        the nucleus and cell label images the features were measured on (PNG), or null when none
 *                     were kept
 */
public record SiteAnalysis(int cellCount, List<String> featureNames, double[][] cellFeatures,
                           Map<String, Double> siteFeatures, SiteQc qc, Map<String, String> illumination,
                           CellCrops crops, SiteMasks masks) {

    public SiteAnalysis {
        featureNames = List.copyOf(featureNames);
        siteFeatures = Collections.unmodifiableMap(new LinkedHashMap<>(siteFeatures));
        illumination = illumination == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(illumination));
    }

    public SiteAnalysis(final int cellCount, final List<String> featureNames, final double[][] cellFeatures,
                        final Map<String, Double> siteFeatures, final SiteQc qc) {
        this(cellCount, featureNames, cellFeatures, siteFeatures, qc, Map.of(), null, null);
    }

    /** An analysis without label images. */
    public SiteAnalysis(final int cellCount, final List<String> featureNames, final double[][] cellFeatures,
                        final Map<String, Double> siteFeatures, final SiteQc qc, final Map<String, String> illumination,
                        final CellCrops crops) {
        this(cellCount, featureNames, cellFeatures, siteFeatures, qc, illumination, crops, null);
    }
}
