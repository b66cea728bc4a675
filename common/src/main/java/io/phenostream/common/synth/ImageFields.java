package io.phenostream.common.synth;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Whole-image float fields: smooth value noise, vignetting, and separable Gaussian blur. */
final class ImageFields {

    private ImageFields() {
    }

    /**
     * Smooth noise in about [-1, 1] with features every {@code spacing} pixels: random values on a coarse grid,
     * interpolated with smoothstep weights (no per-pixel transcendental functions).
     */
    static float[] valueNoise(final int size, final double spacing, final SplittableRandom rng) {
        final int grid = (int) Math.ceil(size / spacing) + 2;
        final float[] g = new float[grid * grid];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (2 * rng.nextDouble() - 1);
        }
        final int[] cell = new int[size];
        final float[] w = new float[size];
        for (int i = 0; i < size; i++) {
            final double t = i / spacing;
            cell[i] = (int) t;
            final double f = t - cell[i];
            w[i] = (float) (f * f * (3 - 2 * f));
        }
        final float[] out = new float[size * size];
        for (int y = 0; y < size; y++) {
            final int gy = cell[y];
            final float wy = w[y];
            final int row0 = gy * grid;
            final int row1 = row0 + grid;
            for (int x = 0; x < size; x++) {
                final int gx = cell[x];
                final float wx = w[x];
                final float top = g[row0 + gx] + wx * (g[row0 + gx + 1] - g[row0 + gx]);
                final float bottom = g[row1 + gx] + wx * (g[row1 + gx + 1] - g[row1 + gx]);
                out[y * size + x] = top + wy * (bottom - top);
            }
        }
        return out;
    }

    /**
     * The plate's illumination: 1 at an optical centre slightly off the image centre, falling off quadratically
     * by {@code falloff} at the image corners (a little more at the far corner), never below 0.4.
     */
    static float[] vignette(final int size, final double falloff, final SplittableRandom rng) {
        final double cx = size * (0.5 + Draws.uniform(rng, -0.06, 0.06));
        final double cy = size * (0.5 + Draws.uniform(rng, -0.06, 0.06));
        final double halfDiag2 = 0.5 * size * size;
        final float[] out = new float[size * size];
        for (int y = 0; y < size; y++) {
            final double dy = y + 0.5 - cy;
            for (int x = 0; x < size; x++) {
                final double dx = x + 0.5 - cx;
                out[y * size + x] = (float) Math.max(0.4, 1.0 - falloff * (dx * dx + dy * dy) / halfDiag2);
            }
        }
        return out;
    }

    /** In-place separable Gaussian blur with clamped edges. */
    static void gaussianBlur(final float[] img, final int size, final double sigma, final float[] scratch) {
        final int radius = (int) Math.ceil(3 * sigma);
        final float[] k = new float[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            final double v = StrictMath.exp(-0.5 * i * i / (sigma * sigma));
            k[i + radius] = (float) v;
            sum += v;
        }
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (k[i] / sum);
        }
        // Rows through a padded copy (edge pixels repeated), so the inner loop has no bounds logic.
        final float[] padded = new float[size + 2 * radius];
        for (int y = 0; y < size; y++) {
            final int row = y * size;
            System.arraycopy(img, row, padded, radius, size);
            Arrays.fill(padded, 0, radius, img[row]);
            Arrays.fill(padded, radius + size, padded.length, img[row + size - 1]);
            for (int x = 0; x < size; x++) {
                float acc = 0;
                for (int i = 0; i < k.length; i++) {
                    acc += k[i] * padded[x + i];
                }
                scratch[row + x] = acc;
            }
        }
        // Columns a whole row at a time (cache-friendly), clamping only the row index.
        Arrays.fill(img, 0f);
        for (int y = 0; y < size; y++) {
            final int out = y * size;
            for (int i = 0; i < k.length; i++) {
                final int src = Math.min(size - 1, Math.max(0, y + i - radius)) * size;
                final float w = k[i];
                for (int x = 0; x < size; x++) {
                    img[out + x] += w * scratch[src + x];
                }
            }
        }
    }
}
