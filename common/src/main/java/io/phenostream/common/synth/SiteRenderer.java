package io.phenostream.common.synth;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws one site (field of view) of a well: places nuclei, grows cells around them, paints the three stains and
 * images them through the plate's optics and a noisy camera. Stateless apart from the plate's illumination
 * field, so sites can be rendered on any thread; everything random comes from the site's seed.
 */
final class SiteRenderer {

    /** Mean cells in a 256 x 256 site of an untreated well. */
    static final double BASE_CELLS = 35;
    /** Camera offset (counts) every pixel sits on. */
    static final float OFFSET = 100f;
    /** Counts per detected photon: shot-noise variance = GAIN * signal. */
    static final float GAIN = 2f;
    static final float READ_NOISE_SD = 3f;
    /** Out-of-cell background light per channel (DNA, GFP, CellMask) before vignetting. */
    static final float[] AUTOFLUORESCENCE = {10f, 40f, 25f};
    static final double PSF_SIGMA = 1.0;
    static final double DEFOCUS_SIGMA = 3.0;
    /** Fraction of cells placed touching or overlapping a neighbour. */
    static final double CLUMPED_FRACTION = 0.2;

    private static final int MAX_PLACEMENT_TRIES = 40;

    private final int size;
    private final float[] vignette;
    private final double cellDensity;

    SiteRenderer(final int size, final float[] vignette, final double cellDensity) {
        this.size = size;
        this.vignette = vignette;
        this.cellDensity = cellDensity;
    }

    RenderedSite render(final WellCondition well, final long seed, final boolean inFocus) {
        final SplittableRandom rng = new SplittableRandom(seed);
        final double area = (size / 256.0) * (size / 256.0);
        final int target = Draws.poisson(rng, BASE_CELLS * area * cellDensity * well.viability() * well.density());
        final Cells cells = placeCells(well, target, rng);

        final int n2 = size * size;
        final float[] shapeNoise = ImageFields.valueNoise(size, 5, rng);
        final float[] cellNoise = ImageFields.valueNoise(size, 9, rng);
        final float[] chromatin = ImageFields.valueNoise(size, 2.5, rng);
        final float[] gfpNoise = ImageFields.valueNoise(size, 4, rng);
        final float[] maskNoise = ImageFields.valueNoise(size, 6, rng);

        final short[] nucLabel = new short[n2];
        final float[] nucD2 = new float[n2];
        Arrays.fill(nucD2, Float.MAX_VALUE);
        rasterNuclei(cells, shapeNoise, nucLabel, nucD2);
        final short[] cellLabel = new short[n2];
        rasterCells(cells, cellNoise, nucLabel, cellLabel);
        final int count = relabel(cells, nucLabel, cellLabel);

        final float[][] signal = new float[3][n2];
        for (int p = 0; p < n2; p++) {
            final int c = cellLabel[p] & 0xFFFF;
            if (c == 0) {
                continue;
            }
            final int k = cells.original[c - 1];
            if ((nucLabel[p] & 0xFFFF) == c) {
                // Dome-shaped, textured chromatin; reporter at its nuclear level; membrane stain dimmer over the nucleus.
                signal[SynthFiles.DNA][p] = (float) cells.dna[k] * (1 + 0.35f * chromatin[p]) * (1 - 0.3f * nucD2[p]);
                signal[SynthFiles.GFP][p] = (float) cells.gfpNuc[k] * (1 + 0.15f * gfpNoise[p]);
                signal[SynthFiles.CELL_MASK][p] = (float) cells.mask[k] * 0.75f * (1 + 0.1f * maskNoise[p]);
            } else {
                signal[SynthFiles.GFP][p] = (float) cells.gfpCyto[k] * (1 + 0.15f * gfpNoise[p]);
                signal[SynthFiles.CELL_MASK][p] = (float) cells.mask[k] * (1 + 0.1f * maskNoise[p]);
            }
        }

        final float[] scratch = new float[n2];
        final double sigma = inFocus ? PSF_SIGMA : DEFOCUS_SIGMA;
        final Draws.PixelNoise camera = new Draws.PixelNoise(rng.nextLong());
        final short[][] channels = new short[3][];
        for (int ch = 0; ch < 3; ch++) {
            ImageFields.gaussianBlur(signal[ch], size, sigma, scratch);
            channels[ch] = expose(signal[ch], AUTOFLUORESCENCE[ch], camera);
        }
        return new RenderedSite(channels, nucLabel, cellLabel, count);
    }

    /** Vignetted light plus camera offset, shot noise and read noise, rounded into 16 bits. */
    private short[] expose(final float[] signal, final float background, final Draws.PixelNoise camera) {
        final short[] out = new short[signal.length];
        final float readVar = READ_NOISE_SD * READ_NOISE_SD;
        for (int p = 0; p < signal.length; p++) {
            final float light = vignette[p] * (signal[p] + background);
            final float v = OFFSET + light + (float) Math.sqrt(readVar + GAIN * light) * camera.next();
            // v is clamped to [0, 65535] first, so adding 0.5 and truncating rounds to nearest.
            out[p] = (short) (int) (Math.min(65535f, Math.max(0f, v)) + 0.5f);
        }
        return out;
    }

    /** Per-cell parameters; index k in draw order. */
    private static final class Cells {
        final double[] cx;
        final double[] cy;
        final double[] r;
        final double[] a;
        final double[] b;
        final double[] cos;
        final double[] sin;
        final double[] cellRadius;
        final double[] dna;
        final double[] mask;
        final double[] gfpCyto;
        final double[] gfpNuc;
        int n;
        /** After relabelling: label l holds cell original[l - 1]. */
        int[] original;

        Cells(final int capacity) {
            cx = new double[capacity];
            cy = new double[capacity];
            r = new double[capacity];
            a = new double[capacity];
            b = new double[capacity];
            cos = new double[capacity];
            sin = new double[capacity];
            cellRadius = new double[capacity];
            dna = new double[capacity];
            mask = new double[capacity];
            gfpCyto = new double[capacity];
            gfpNuc = new double[capacity];
        }
    }

    private Cells placeCells(final WellCondition well, final int target, final SplittableRandom rng) {
        if (target > 65535) {
            throw new IllegalArgumentException(target + " cells in one site do not fit a 16-bit label image: use smaller sites");
        }
        final Cells cells = new Cells(target);
        final double lo = 2;
        final double hi = size - 2;
        for (int t = 0; t < target; t++) {
            // Draw every parameter before placing, so a failed placement never shifts later draws.
            final double r = Draws.uniform(rng, 6, 9) * well.nucleusScale() * Draws.logNormal(rng, 0.08);
            final double elong = 1 + Math.min(0.6, Math.abs(0.18 * Draws.gaussian(rng)));
            final double theta = Draws.uniform(rng, 0, Math.PI);
            final double bodyFactor = Draws.uniform(rng, 2.0, 2.5);
            final double dna = 3000 * well.dnaScale() * well.stain()[SynthFiles.DNA] * Draws.logNormal(rng, 0.2);
            final double mask = 1500 * well.stain()[SynthFiles.CELL_MASK] * Draws.logNormal(rng, 0.15);
            final double cyto = 700 * well.stain()[SynthFiles.GFP] * Draws.logNormal(rng, 0.25);
            final double ratio = well.ncRatio() * Draws.logNormal(rng, 0.12);
            final boolean clumped = cells.n > 0 && rng.nextDouble() < CLUMPED_FRACTION;
            for (int attempt = 0; attempt < MAX_PLACEMENT_TRIES; attempt++) {
                final double x;
                final double y;
                if (clumped) {
                    final int j = rng.nextInt(cells.n);
                    final double angle = Draws.uniform(rng, 0, 2 * Math.PI);
                    final double dist = Draws.uniform(rng, 0.8, 0.95) * (r + cells.r[j]);
                    x = cells.cx[j] + dist * StrictMath.cos(angle);
                    y = cells.cy[j] + dist * StrictMath.sin(angle);
                } else {
                    x = Draws.uniform(rng, lo, hi);
                    y = Draws.uniform(rng, lo, hi);
                }
                if (x < lo || x > hi || y < lo || y > hi || !fits(cells, x, y, r, clumped)) {
                    continue;
                }
                final int k = cells.n++;
                cells.cx[k] = x;
                cells.cy[k] = y;
                cells.r[k] = r;
                cells.a[k] = r * Math.sqrt(elong);
                cells.b[k] = r / Math.sqrt(elong);
                cells.cos[k] = StrictMath.cos(theta);
                cells.sin[k] = StrictMath.sin(theta);
                cells.cellRadius[k] = r * bodyFactor;
                cells.dna[k] = dna;
                cells.mask[k] = mask;
                cells.gfpCyto[k] = cyto;
                cells.gfpNuc[k] = cyto * ratio;
                break;
            }
        }
        return cells;
    }

    /** Clumped cells may overlap down to 0.8 of the summed radii; the others keep a small gap. */
    private static boolean fits(final Cells cells, final double x, final double y, final double r, final boolean clumped) {
        for (int i = 0; i < cells.n; i++) {
            final double dx = x - cells.cx[i];
            final double dy = y - cells.cy[i];
            final double min = clumped ? 0.8 * (r + cells.r[i]) : 1.1 * (r + cells.r[i]) + 1;
            if (dx * dx + dy * dy < min * min) {
                return false;
            }
        }
        return true;
    }

    /** Ellipses with a noisy outline; where two overlap, a pixel goes to the nucleus it is relatively deeper in. */
    private void rasterNuclei(final Cells cells, final float[] shapeNoise, final short[] label, final float[] depth) {
        for (int k = 0; k < cells.n; k++) {
            final double ext = cells.a[k] * 1.1 + 1;
            final int x0 = Math.max(0, (int) (cells.cx[k] - ext));
            final int x1 = Math.min(size - 1, (int) (cells.cx[k] + ext));
            final int y0 = Math.max(0, (int) (cells.cy[k] - ext));
            final int y1 = Math.min(size - 1, (int) (cells.cy[k] + ext));
            final double ia = 1 / cells.a[k];
            final double ib = 1 / cells.b[k];
            for (int y = y0; y <= y1; y++) {
                final double dy = y + 0.5 - cells.cy[k];
                for (int x = x0; x <= x1; x++) {
                    final double dx = x + 0.5 - cells.cx[k];
                    final double u = (dx * cells.cos[k] + dy * cells.sin[k]) * ia;
                    final double v = (-dx * cells.sin[k] + dy * cells.cos[k]) * ib;
                    final int p = y * size + x;
                    final float d2 = (float) ((u * u + v * v) * (1 + 0.12 * shapeNoise[p]));
                    if (d2 < 1 && d2 < depth[p]) {
                        depth[p] = d2;
                        label[p] = (short) (k + 1);
                    }
                }
            }
        }
    }

    /**
     * Cell bodies: within ~2-2.5 nucleus radii (noisy edge), split between neighbours by distance to the nucleus
     * edge (a Voronoi partition that favours bigger nuclei), so crowded cells touch. Nucleus pixels always belong
     * to their own cell.
     */
    private void rasterCells(final Cells cells, final float[] edgeNoise, final short[] nucLabel, final short[] label) {
        final float[] best = new float[size * size];
        Arrays.fill(best, Float.MAX_VALUE);
        for (int k = 0; k < cells.n; k++) {
            final double reach = cells.cellRadius[k];
            final double ext = reach * 1.15 + 1;
            final int x0 = Math.max(0, (int) (cells.cx[k] - ext));
            final int x1 = Math.min(size - 1, (int) (cells.cx[k] + ext));
            final int y0 = Math.max(0, (int) (cells.cy[k] - ext));
            final int y1 = Math.min(size - 1, (int) (cells.cy[k] + ext));
            for (int y = y0; y <= y1; y++) {
                final double dy = y + 0.5 - cells.cy[k];
                for (int x = x0; x <= x1; x++) {
                    final double dx = x + 0.5 - cells.cx[k];
                    final int p = y * size + x;
                    final double dist = Math.sqrt(dx * dx + dy * dy);
                    if (dist > reach * (1 + 0.15 * edgeNoise[p])) {
                        continue;
                    }
                    final float score = (float) (dist - cells.r[k]);
                    if (score < best[p]) {
                        best[p] = score;
                        label[p] = (short) (k + 1);
                    }
                }
            }
        }
        for (int p = 0; p < label.length; p++) {
            if (nucLabel[p] != 0) {
                label[p] = nucLabel[p];
            }
        }
    }

    /**
     * Renumbers labels 1..m over the nuclei that kept at least one pixel (normally all of them), dropping the
     * cell of any nucleus that vanished, so label count and truth always agree.
     */
    private static int relabel(final Cells cells, final short[] nucLabel, final short[] cellLabel) {
        final int n = cells.n;
        final int[] pixels = new int[n + 1];
        for (final short l : nucLabel) {
            pixels[l & 0xFFFF]++;
        }
        final int[] map = new int[n + 1];
        final int[] original = new int[n];
        int m = 0;
        for (int k = 1; k <= n; k++) {
            if (pixels[k] > 0) {
                map[k] = ++m;
                original[m - 1] = k - 1;
            }
        }
        for (int p = 0; p < nucLabel.length; p++) {
            nucLabel[p] = (short) map[nucLabel[p] & 0xFFFF];
            cellLabel[p] = (short) map[cellLabel[p] & 0xFFFF];
        }
        cells.original = original;
        return m;
    }
}
