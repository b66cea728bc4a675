package io.phenostream.extractor.analysis;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Sums the downsampled images of one (plate run, channel) and turns their mean into an
 * {@link IlluminationFunction}, CellProfiler-style: average over sites, heavy Gaussian smoothing (sigma = 1/10 of
 * the image's larger side, ~50 px on a 512 px image), divide by its mean. Mean 1 rather than CellProfiler's
 * "robust minimum 1": a plate streams in, its first sites are corrected with the identity and later ones with
 * an estimate, and only a mean-1 function leaves the overall intensity level of a site unchanged, so early and
 * late sites stay comparable; only the spatial pattern is flattened.
 *
 * <p>Memory is one double per grid cell: images are downsampled by at least 4 and to at most 256 px a side.
 * A site key seen before is not added again, so a re-delivered site is not counted twice. Thread-safe.
 */
public final class IlluminationAccumulator {

    /** Least downsampling factor. */
    static final int MIN_FACTOR = 4;
    /** Largest grid side; bigger images are downsampled more. */
    static final int MAX_GRID = 256;
    /** Gaussian sigma as a fraction of the image's larger side. */
    static final double SMOOTHING_FRACTION = 0.1;

    private final String channel;
    private final Set<String> siteKeys = new HashSet<>();
    private int width;
    private int height;
    private int gridWidth;
    private int gridHeight;
    private double[] sum;

    /** @param channel the channel's name, for error messages */
    public IlluminationAccumulator(final String channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
    }

    /** Number of distinct sites added. */
    public synchronized int sites() {
        return siteKeys.size();
    }

    /**
     * Adds one site's decoded image (CV_32FC1, as {@link ChannelDecoder} returns it).
     *
     * @return false when {@code siteKey} was already added (nothing changes)
     * @throws ImageDecodeException when the image's size differs from the run's first image
     */
    boolean add(final String siteKey, final Mat image) {
        Objects.requireNonNull(siteKey, "siteKey");
        synchronized (this) {
            if (siteKeys.contains(siteKey)) {
                return false;
            }
            if (sum == null) {
                width = image.cols();
                height = image.rows();
                final int factor = Math.max(MIN_FACTOR, (int) Math.ceil(Math.max(width, height) / (double) MAX_GRID));
                gridWidth = Math.max(1, (int) Math.ceil(width / (double) factor));
                gridHeight = Math.max(1, (int) Math.ceil(height / (double) factor));
                sum = new double[gridWidth * gridHeight];
            } else if (image.cols() != width || image.rows() != height) {
                throw new ImageDecodeException(channel, "site " + siteKey + " is " + image.cols() + "x"
                    + image.rows() + " but earlier sites of this run are " + width + "x" + height
                    + "; one illumination function needs one image size");
            }
        }
        // Downsampling (area average) is the costly part and needs no lock.
        final float[] small = new float[gridWidth * gridHeight];
        try (MatScope scope = new MatScope()) {
            final Mat resized = scope.mat();
            Imgproc.resize(image, resized, new Size(gridWidth, gridHeight), 0, 0, Imgproc.INTER_AREA);
            resized.get(0, 0, small);
        }
        synchronized (this) {
            if (!siteKeys.add(siteKey)) {
                return false;
            }
            for (int i = 0; i < small.length; i++) {
                sum[i] += small[i];
            }
            return true;
        }
    }

    /** The function estimated from every site added so far; the identity when none was added. */
    public IlluminationFunction estimate() {
        final float[] mean;
        final int n;
        synchronized (this) {
            n = siteKeys.size();
            if (n == 0) {
                return IlluminationFunction.identity(0);
            }
            mean = new float[sum.length];
            for (int i = 0; i < sum.length; i++) {
                mean[i] = (float) (sum[i] / n);
            }
        }
        return smoothAndNormalize(mean, n);
    }

    private IlluminationFunction smoothAndNormalize(final float[] mean, final int sites) {
        try (MatScope scope = new MatScope()) {
            final Mat grid = scope.track(new Mat(gridHeight, gridWidth, CvType.CV_32FC1));
            grid.put(0, 0, mean);
            final double scale = (double) width / gridWidth;
            // Kernel (about 8 sigma wide for float images) no wider than the grid, so the border reflects once.
            final double sigma = Math.min(SMOOTHING_FRACTION * Math.max(width, height) / scale,
                Math.max(0.5, (Math.min(gridWidth, gridHeight) - 1) / 8.0));
            final Mat smooth = scope.mat();
            Imgproc.GaussianBlur(grid, smooth, new Size(0, 0), sigma, sigma, Core.BORDER_REFLECT);
            final float[] values = new float[mean.length];
            smooth.get(0, 0, values);
            double total = 0;
            float darkest = Float.MAX_VALUE;
            for (final float v : values) {
                total += v;
                darkest = Math.min(darkest, v);
            }
            final double level = total / values.length;
            if (!(darkest > 0f) || !(level > 0)) {
                // A dark run (zero somewhere after heavy smoothing) has no shape to correct by division.
                return IlluminationFunction.identity(sites);
            }
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (values[i] / level);
            }
            return IlluminationFunction.of(width, height, gridWidth, gridHeight, values, sites);
        }
    }
}
