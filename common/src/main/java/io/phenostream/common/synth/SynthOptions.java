package io.phenostream.common.synth;

import io.phenostream.common.domain.PlateLayout;
import java.util.regex.Pattern;

/**
 * What synthetic plate to generate. The same options (seed included) always give the same bytes.
 *
 * @param sitesPerWell fields imaged per well, 1..100 (file names carry two digits)
 * @param imageSize    width = height in pixels, 64..4096; cells per site scale with its area
 * @param cellDensity  seeding density factor, 0.05..16 (1 = about 35 cells per 256 x 256 px of a healthy well):
 *                     for measuring how the analysis cost grows with cells per site
 */
public record SynthOptions(PlateLayout layout, int sitesPerWell, int imageSize, long seed, String plateId,
                           String experimentId, double cellDensity) {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public SynthOptions {
        if (layout == null) {
            throw new IllegalArgumentException("Synthetic plate layout is missing");
        }
        if (sitesPerWell < 1 || sitesPerWell > 100) {
            throw new IllegalArgumentException("sitesPerWell must be 1..100, got " + sitesPerWell);
        }
        if (imageSize < 64 || imageSize > 4096) {
            throw new IllegalArgumentException("imageSize must be 64..4096 pixels, got " + imageSize);
        }
        if (plateId == null || !SAFE_ID.matcher(plateId).matches()) {
            throw new IllegalArgumentException("plateId '" + plateId
                + "' must be letters, digits, '.', '_' or '-' (it becomes part of file names)");
        }
        if (experimentId == null || experimentId.isBlank()) {
            throw new IllegalArgumentException("experimentId is missing");
        }
        if (!(cellDensity >= 0.05 && cellDensity <= 16)) {
            throw new IllegalArgumentException("cellDensity must be 0.05..16, got " + cellDensity);
        }
    }

    /** 96 wells, 2 sites per well, 256 px, seed 42, plate SYNTH-P001 of experiment SYNTH-EXP. */
    public static SynthOptions defaults() {
        return new SynthOptions(PlateLayout.WELLS_96, 2, 256, 42L, "SYNTH-P001", "SYNTH-EXP", 1.0);
    }

    public SynthOptions withLayout(final PlateLayout l) {
        return new SynthOptions(l, sitesPerWell, imageSize, seed, plateId, experimentId, cellDensity);
    }

    public SynthOptions withSitesPerWell(final int s) {
        return new SynthOptions(layout, s, imageSize, seed, plateId, experimentId, cellDensity);
    }

    public SynthOptions withImageSize(final int px) {
        return new SynthOptions(layout, sitesPerWell, px, seed, plateId, experimentId, cellDensity);
    }

    public SynthOptions withSeed(final long s) {
        return new SynthOptions(layout, sitesPerWell, imageSize, s, plateId, experimentId, cellDensity);
    }

    public SynthOptions withPlateId(final String id) {
        return new SynthOptions(layout, sitesPerWell, imageSize, seed, id, experimentId, cellDensity);
    }

    public SynthOptions withCellDensity(final double d) {
        return new SynthOptions(layout, sitesPerWell, imageSize, seed, plateId, experimentId, d);
    }

    public SynthOptions withExperimentId(final String id) {
        return new SynthOptions(layout, sitesPerWell, imageSize, seed, plateId, id, cellDensity);
    }
}
