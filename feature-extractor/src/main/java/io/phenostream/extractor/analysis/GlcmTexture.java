package io.phenostream.extractor.analysis;

import java.util.Arrays;

/**
 * Haralick texture of each labelled object from its grey-level co-occurrence matrix (GLCM), as CellProfiler's
 * MeasureTexture: intensities are rescaled to the object's own min..max and quantized to {@link #LEVELS} grey
 * levels; pairs of pixels at distance 1 in 4 directions (0, 45, 90, 135 degrees) with both pixels in the object
 * are counted symmetrically (i,j and j,i); each feature is computed per direction and averaged over the
 * directions that have pairs. Entropy is in bits. An object with no pairs (one pixel) gets NaN.
 */
final class GlcmTexture {

    /** Grey levels after quantization (CellProfiler 2's default). */
    static final int LEVELS = 8;

    /** Neighbour offsets (dx, dy) for 0, 45, 90 and 135 degrees; the symmetric count covers the opposites. */
    private static final int[][] DIRECTIONS = {{1, 0}, {1, -1}, {0, 1}, {1, 1}};

    /** Per object (index = label, 0 unused) contrast, homogeneity (inverse difference moment), entropy, ASM. */
    record Features(double[] contrast, double[] homogeneity, double[] entropy, double[] angularSecondMoment) {
    }

    private GlcmTexture() {
    }

    static Features of(final float[] pixels, final int[] labels, final int count, final int width) {
        final int height = labels.length / width;
        final double[] min = new double[count + 1];
        final double[] max = new double[count + 1];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < labels.length; i++) {
            final int l = labels[i];
            if (l > 0) {
                min[l] = Math.min(min[l], pixels[i]);
                max[l] = Math.max(max[l], pixels[i]);
            }
        }
        final byte[] level = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            final int l = labels[i];
            if (l > 0) {
                final double range = max[l] - min[l];
                // A flat object is all level 0.
                level[i] = (byte) (range > 0 ? Math.min(LEVELS - 1, (int) ((pixels[i] - min[l]) / range * LEVELS)) : 0);
            }
        }
        final int cells = LEVELS * LEVELS;
        final int stride = DIRECTIONS.length * cells;
        final int[] glcm = new int[(count + 1) * stride];
        for (int y = 0, i = 0; y < height; y++) {
            for (int x = 0; x < width; x++, i++) {
                final int l = labels[i];
                if (l == 0) {
                    continue;
                }
                for (int d = 0; d < DIRECTIONS.length; d++) {
                    final int nx = x + DIRECTIONS[d][0];
                    final int ny = y + DIRECTIONS[d][1];
                    if (nx < 0 || nx >= width || ny < 0 || ny >= height) {
                        continue;
                    }
                    final int j = ny * width + nx;
                    if (labels[j] != l) {
                        continue;
                    }
                    final int base = l * stride + d * cells;
                    glcm[base + level[i] * LEVELS + level[j]]++;
                    glcm[base + level[j] * LEVELS + level[i]]++;
                }
            }
        }
        final Features f = new Features(new double[count + 1], new double[count + 1], new double[count + 1],
            new double[count + 1]);
        for (int l = 1; l <= count; l++) {
            int directions = 0;
            for (int d = 0; d < DIRECTIONS.length; d++) {
                final int base = l * stride + d * cells;
                long total = 0;
                for (int k = 0; k < cells; k++) {
                    total += glcm[base + k];
                }
                if (total == 0) {
                    continue;
                }
                directions++;
                for (int a = 0; a < LEVELS; a++) {
                    for (int b = 0; b < LEVELS; b++) {
                        final int n = glcm[base + a * LEVELS + b];
                        if (n == 0) {
                            continue;
                        }
                        final double p = n / (double) total;
                        final int diff = a - b;
                        f.contrast[l] += diff * diff * p;
                        f.homogeneity[l] += p / (1 + diff * diff);
                        f.entropy[l] -= p * Math.log(p) / Math.log(2);
                        f.angularSecondMoment[l] += p * p;
                    }
                }
            }
            if (directions == 0) {
                f.contrast[l] = Double.NaN;
                f.homogeneity[l] = Double.NaN;
                f.entropy[l] = Double.NaN;
                f.angularSecondMoment[l] = Double.NaN;
            } else {
                f.contrast[l] /= directions;
                f.homogeneity[l] /= directions;
                f.entropy[l] /= directions;
                f.angularSecondMoment[l] /= directions;
            }
        }
        return f;
    }
}
