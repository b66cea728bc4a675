package io.phenostream.extractor.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Cuts a fixed-size, multi-channel crop centred on each nucleus, normalised as the model declares
 * ({@link CropNormalization}), for a model that takes N x C x H x W input.
 *
 * <p>Placement: crop i is centred on the centroid of nucleus i + 1 rounded to the nearest pixel, which lands at
 * row and column {@code size / 2} of the crop (the centre pixel for odd sizes, the lower-right of the four
 * central pixels for even sizes). Where the window crosses the image border the outside pixels are 0 and the
 * crop is flagged as padded.
 *
 * <p>Normalisation per channel: each pixel becomes (v - lo) / (hi - lo) clipped to [0,1]; a flat channel
 * (hi == lo) becomes 0 and padding stays 0. Per crop (the default, 1st and 99th percentile), lo and hi are
 * percentiles of the crop's in-image pixels (linear interpolation between order statistics, as numpy's default):
 * robust percentiles keep one hot pixel or a bright neighbour from compressing the cell's range, and dim and
 * bright cells end up on one scale. Per site, they are percentiles of the whole channel image, the same for every
 * crop of the site, so brightness differences between the site's cells survive. Fixed, they are constants, so a
 * cell's absolute brightness survives. {@code none} copies the raw values.
 */
public final class CellCropper {

    public static final int DEFAULT_SIZE = 64;
    public static final double DEFAULT_LOW_PERCENTILE = 1;
    public static final double DEFAULT_HIGH_PERCENTILE = 99;

    private final int size;
    private final CropNormalization normalization;

    /** 64 x 64 crops normalised per crop to the 1st..99th percentile. */
    public CellCropper() {
        this(DEFAULT_SIZE, DEFAULT_LOW_PERCENTILE, DEFAULT_HIGH_PERCENTILE);
    }

    /**
     * Crops normalised per crop.
     *
     * @param size           crop height and width in pixels (at least 1)
     * @param lowPercentile  percentile mapped to 0, in [0, 100)
     * @param highPercentile percentile mapped to 1, in (lowPercentile, 100]
     */
    public CellCropper(final int size, final double lowPercentile, final double highPercentile) {
        this(size, new CropNormalization(CropNormalization.Scope.CROP, lowPercentile, highPercentile));
    }

    /**
     * @param size          crop height and width in pixels (at least 1)
     * @param normalization how each channel is scaled
     */
    public CellCropper(final int size, final CropNormalization normalization) {
        if (size < 1) {
            throw new IllegalArgumentException("crop size must be >= 1, was " + size);
        }
        this.size = size;
        this.normalization = Objects.requireNonNull(normalization, "normalization");
    }

    /**
     * The cropper a model's description asks for: its crop size and normalization text.
     *
     * @throws IllegalArgumentException when the normalization is not one {@link CropNormalization} knows
     */
    public static CellCropper forModel(final int cropSize, final String normalization) {
        return new CellCropper(cropSize, CropNormalization.parse(normalization));
    }

    public int size() {
        return size;
    }

    public CropNormalization normalization() {
        return normalization;
    }

    /**
     * @param pixels   channel name -> row-major pixels of the site, each {@code width * height} long
     * @param order    channels in the order the model expects them (each must be in {@code pixels})
     * @param centreX  x of each crop's centre (pixel units, pixel centres at integers)
     * @param centreY  y of each crop's centre
     * @throws IllegalArgumentException naming the channel or crop when an input does not fit
     */
    public CellCrops crop(final Map<String, float[]> pixels, final List<String> order, final int width,
                          final int height, final double[] centreX, final double[] centreY) {
        Objects.requireNonNull(pixels, "pixels");
        if (order.isEmpty()) {
            throw new IllegalArgumentException("channel order is empty");
        }
        if (centreX.length != centreY.length) {
            throw new IllegalArgumentException(centreX.length + " x centres but " + centreY.length + " y centres");
        }
        final List<float[]> planes = new ArrayList<>();
        for (final String channel : order) {
            final float[] plane = pixels.get(channel);
            if (plane == null) {
                throw new IllegalArgumentException("channel '" + channel + "' has no pixels (channels: "
                    + pixels.keySet().stream().sorted().toList() + ")");
            }
            if (plane.length != width * height) {
                throw new IllegalArgumentException("channel '" + channel + "' has " + plane.length
                    + " pixels, expected " + width + "x" + height);
            }
            planes.add(plane);
        }
        final float[][] crops = new float[centreX.length][];
        final boolean[] padded = new boolean[centreX.length];
        final float[] scratch = new float[size * size];
        final double[][] siteRange = siteRanges(planes);
        for (int i = 0; i < crops.length; i++) {
            if (!(centreX[i] >= 0 && centreX[i] < width && centreY[i] >= 0 && centreY[i] < height)) {
                throw new IllegalArgumentException("crop " + i + " centre (" + centreX[i] + ", " + centreY[i]
                    + ") is outside the " + width + "x" + height + " image");
            }
            final int x0 = (int) Math.round(centreX[i]) - size / 2;
            final int y0 = (int) Math.round(centreY[i]) - size / 2;
            padded[i] = x0 < 0 || y0 < 0 || x0 + size > width || y0 + size > height;
            crops[i] = new float[planes.size() * size * size];
            for (int c = 0; c < planes.size(); c++) {
                cut(planes.get(c), width, height, x0, y0, crops[i], c * size * size, scratch,
                    siteRange == null ? null : siteRange[c]);
            }
        }
        return new CellCrops(order, size, crops, padded);
    }

    /** Crops centred on each nucleus centroid, crop i for nucleus label i + 1. */
    CellCrops crop(final Map<String, float[]> pixels, final List<String> order, final LabelImage nuclei) {
        final double[][] centroids = centroids(nuclei);
        return crop(pixels, order, nuclei.width(), nuclei.height(), centroids[0], centroids[1]);
    }

    /** {x[], y[]} of the centroid of labels 1..count (index label - 1); NaN for a label with no pixels. */
    static double[][] centroids(final LabelImage labels) {
        final int count = labels.count();
        final double[] sumX = new double[count + 1];
        final double[] sumY = new double[count + 1];
        final int[] area = new int[count + 1];
        final int[] pixels = labels.pixels();
        final int width = labels.width();
        for (int i = 0; i < pixels.length; i++) {
            final int l = pixels[i];
            if (l > 0) {
                sumX[l] += i % width;
                sumY[l] += i / width;
                area[l]++;
            }
        }
        final double[] x = new double[count];
        final double[] y = new double[count];
        for (int l = 1; l <= count; l++) {
            x[l - 1] = sumX[l] / area[l];
            y[l - 1] = sumY[l] / area[l];
        }
        return new double[][] {x, y};
    }

    /** {lo, hi} of each plane when they do not depend on the crop (per site, fixed); null when they do. */
    private double[][] siteRanges(final List<float[]> planes) {
        if (normalization.scope() == CropNormalization.Scope.CROP) {
            return null;
        }
        final double[][] ranges = new double[planes.size()][];
        for (int c = 0; c < planes.size(); c++) {
            ranges[c] = switch (normalization.scope()) {
                case SITE -> {
                    final float[] plane = planes.get(c);
                    final float[] copy = plane.clone();
                    yield new double[] {selectPercentile(copy, copy.length, normalization.low()),
                        selectPercentile(copy, copy.length, normalization.high())};
                }
                case FIXED -> new double[] {normalization.low(), normalization.high()};
                default -> null; // NONE: raw values
            };
        }
        return ranges;
    }

    /**
     * Copies the in-image part of one channel's window into {@code out} at {@code offset}, normalised with
     * {@code range} ({lo, hi}), or with the window's own percentiles when it is null and the scope is per crop.
     */
    private void cut(final float[] plane, final int width, final int height, final int x0, final int y0,
                     final float[] out, final int offset, final float[] scratch, final double[] range) {
        final int fromX = Math.max(0, x0);
        final int toX = Math.min(width, x0 + size);
        final int fromY = Math.max(0, y0);
        final int toY = Math.min(height, y0 + size);
        if (normalization.scope() == CropNormalization.Scope.NONE) {
            for (int y = fromY; y < toY; y++) {
                System.arraycopy(plane, y * width + fromX, out, offset + (y - y0) * size + fromX - x0, toX - fromX);
            }
            return;
        }
        final double lo;
        final double hi;
        if (range != null) {
            lo = range[0];
            hi = range[1];
        } else {
            int n = 0;
            for (int y = fromY; y < toY; y++) {
                final int row = y * width;
                for (int x = fromX; x < toX; x++) {
                    scratch[n++] = plane[row + x];
                }
            }
            // Two order statistics each, found by selection: a full sort per crop and channel cost more than the
            // rest of the site's analysis (benchmarks/RESULTS.md). The values are the same as sorting gives.
            lo = selectPercentile(scratch, n, normalization.low());
            hi = selectPercentile(scratch, n, normalization.high());
        }
        final double spread = hi - lo;
        for (int y = fromY; y < toY; y++) {
            final int row = y * width;
            final int outRow = offset + (y - y0) * size - x0;
            for (int x = fromX; x < toX; x++) {
                final double v = spread > 0 ? (plane[row + x] - lo) / spread : 0;
                out[outRow + x] = (float) Math.min(1, Math.max(0, v));
            }
        }
    }

    /**
     * Percentile p of values[0..n) (any order; rearranged), linear between closest ranks (numpy's default): the
     * same value as {@link #percentile} on the sorted values.
     */
    static double selectPercentile(final float[] values, final int n, final double p) {
        final double rank = p / 100 * (n - 1);
        final int below = (int) Math.floor(rank);
        final float atBelow = select(values, n, below);
        if (below + 1 >= n) {
            return atBelow;
        }
        // After selection everything right of 'below' is >= it; the next order statistic is their minimum.
        float next = Float.POSITIVE_INFINITY;
        for (int i = below + 1; i < n; i++) {
            next = Math.min(next, values[i]);
        }
        return atBelow + (rank - below) * (next - (double) atBelow);
    }

    /** Hoare's selection: rearranges values[0..n) so that values[k] is the k-th smallest, smaller ones left. */
    static float select(final float[] values, final int n, final int k) {
        int left = 0;
        int right = n - 1;
        while (right > left) {
            final int mid = (left + right) >>> 1;
            // median of three as the pivot keeps sorted or constant windows (background crops) linear
            final float pivot = medianOfThree(values[left], values[mid], values[right]);
            int i = left;
            int j = right;
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    final float t = values[i];
                    values[i] = values[j];
                    values[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                right = j;
            } else if (k >= i) {
                left = i;
            } else {
                return values[k];
            }
        }
        return values[k];
    }

    private static float medianOfThree(final float a, final float b, final float c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /** Percentile p of sorted[0..n), linear between closest ranks (numpy's default). */
    static double percentile(final float[] sorted, final int n, final double p) {
        final double rank = p / 100 * (n - 1);
        final int below = (int) Math.floor(rank);
        final int above = Math.min(n - 1, below + 1);
        final double fraction = rank - below;
        return sorted[below] + fraction * (sorted[above] - (double) sorted[below]);
    }
}
