package io.phenostream.common.events;

/**
 * Parameters of the per-site image analysis. They are part of the analysis identity: changing one gives a new
 * analysisId, so results computed with different parameters never overwrite each other.
 *
 * @param smoothingSigma     Gaussian sigma (pixels) applied before thresholding the nuclear channel
 * @param minNucleusArea     smallest nucleus kept, in pixels
 * @param maxNucleusArea     largest nucleus kept, in pixels
 * @param cellGrowthPixels   how far cells are grown from their nucleus when there is no cell stain (and the
 *                           upper bound of growth when there is one)
 * @param saturationLevel    fraction of the bit depth's maximum at or above which a pixel counts as saturated
 * @param illuminationCorrection divide each image by its plate's illumination function per channel
 *                           (CellProfiler-style, estimated from the plate's sites) before measuring. Off by
 *                           default: estimated while a plate streams in, early sites are corrected with a
 *                           rougher estimate than late ones, and on the synthetic ground-truth plates that
 *                           order dependence cost more (hit recall 0.84-0.89 on 384 wells) than flattening the
 *                           vignette gained (0.95-1.0 without); see phenotype-scorer/README.md
 */
public record ExtractionParameters(double smoothingSigma, int minNucleusArea, int maxNucleusArea,
                                   int cellGrowthPixels, double saturationLevel, boolean illuminationCorrection) {

    public static ExtractionParameters defaults() {
        return new ExtractionParameters(1.5, 30, 2000, 12, 0.99, false);
    }
}
