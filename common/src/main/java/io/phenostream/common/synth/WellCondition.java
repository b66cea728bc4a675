package io.phenostream.common.synth;

import io.phenostream.common.domain.PlateMapEntry;
import java.util.SplittableRandom;

/**
 * What the cells of one well look like on average: the treatment's effect on them combined with the well's own
 * biological variability (density, staining, size), so that no two control wells are identical.
 *
 * @param viability     fraction of cells left (cytotoxic compounds)
 * @param density       per-well seeding density factor
 * @param nucleusScale  nucleus radius factor (enlargement, cytotoxic shrinkage, well noise)
 * @param dnaScale      nuclear stain brightness factor (condensed chromatin of dying cells)
 * @param ncRatio       median reporter nucleus/cytoplasm intensity ratio
 * @param stain         per-channel staining factor (DNA, GFP, CellMask)
 */
record WellCondition(double viability, double density, double nucleusScale, double dnaScale, double ncRatio,
                     double[] stain) {

    static final double BASE_NC_RATIO = 0.5;
    static final double FULL_NC_RATIO = 3.0;

    /** @param truth the compound's truth, or null for DMSO and empty wells */
    static WellCondition of(final PlateMapEntry entry, final CompoundTruth truth, final SplittableRandom rng) {
        final double dose = entry.concentration() == null ? 0 : entry.concentration();
        final double e = truth == null ? 0 : truth.effect(dose);
        final Mechanism m = truth == null ? Mechanism.INACTIVE : truth.mechanism();
        double viability = 1;
        double nucleus = 1;
        double dna = 1;
        double nc = BASE_NC_RATIO;
        switch (m) {
            case TRANSLOCATION -> nc = BASE_NC_RATIO + (FULL_NC_RATIO - BASE_NC_RATIO) * e;
            case NUCLEAR_ENLARGEMENT -> nucleus = 1 + 0.6 * e;
            case CYTOTOXIC -> {
                viability = 1 - 0.85 * e;
                nucleus = 1 - 0.15 * e;
                dna = 1 + 0.5 * e;
            }
            case INACTIVE -> { }
        }
        // Well-to-well biology and liquid handling: same draws for every well, whatever its treatment.
        final double density = Draws.logNormal(rng, 0.12);
        nucleus *= Draws.logNormal(rng, 0.03);
        nc *= Draws.logNormal(rng, 0.06);
        final double[] stain = {Draws.logNormal(rng, 0.06), Draws.logNormal(rng, 0.06), Draws.logNormal(rng, 0.06)};
        return new WellCondition(viability, density, nucleus, dna, nc, stain);
    }
}
