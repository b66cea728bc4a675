package io.phenostream.extractor.analysis;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * One plate run's illumination function for one channel (CellProfiler's CorrectIlluminationCalculate /
 * CorrectIlluminationApply, "Divide" mode): a smooth field, at least 1 everywhere, by which each site image is
 * divided. It is kept on a coarse grid (the images downsampled) and interpolated to the image size when applied.
 *
 * <p>The function is identified by {@link #id()}, {@code illum-} and 12 hex digits of the SHA-256 of its size and
 * grid values, so a site record can say which estimate corrected it; {@link #sitesUsed()} says how many sites it
 * was estimated from. The identity (too few sites yet) has id {@value #IDENTITY_ID}. Functions serialize with
 * {@link #toBytes()} for storage (e.g. in S3) and replay. Immutable and thread-safe.
 */
public final class IlluminationFunction {

    /** Id of the identity function: no correction. */
    public static final String IDENTITY_ID = "illum-identity";

    private static final int MAGIC = 0x5053494c; // "PSIL"
    private static final int FORMAT_VERSION = 1;
    private static final int HEADER_BYTES = 4 * 7;

    private final int width;
    private final int height;
    private final int gridWidth;
    private final int gridHeight;
    private final float[] grid;
    private final int sitesUsed;
    private final String id;

    private IlluminationFunction(final int width, final int height, final int gridWidth, final int gridHeight,
                                 final float[] grid, final int sitesUsed) {
        this.width = width;
        this.height = height;
        this.gridWidth = gridWidth;
        this.gridHeight = gridHeight;
        this.grid = grid;
        this.sitesUsed = sitesUsed;
        this.id = grid.length == 0 ? IDENTITY_ID : "illum-" + digest(width, height, gridWidth, gridHeight, grid);
    }

    /** No correction, for any image size; {@code sitesSeen} records how many sites were in when it was chosen. */
    public static IlluminationFunction identity(final int sitesSeen) {
        return new IlluminationFunction(0, 0, 0, 0, new float[0], sitesSeen);
    }

    /**
     * @param width      image width the function applies to
     * @param height     image height the function applies to
     * @param gridWidth  columns of {@code grid} (the downsampled image)
     * @param gridHeight rows of {@code grid}
     * @param grid       row-major values, each finite and at least 1 (copied)
     * @param sitesUsed  number of sites the estimate averaged
     */
    public static IlluminationFunction of(final int width, final int height, final int gridWidth,
                                          final int gridHeight, final float[] grid, final int sitesUsed) {
        Objects.requireNonNull(grid, "grid");
        if (width < 1 || height < 1 || gridWidth < 1 || gridHeight < 1 || gridWidth > width
            || gridHeight > height || grid.length != (long) gridWidth * gridHeight) {
            throw new IllegalArgumentException("illumination function: bad sizes, image " + width + "x" + height
                + ", grid " + gridWidth + "x" + gridHeight + " with " + grid.length + " values");
        }
        for (int i = 0; i < grid.length; i++) {
            if (!(grid[i] > 0f) || Float.isInfinite(grid[i])) {
                throw new IllegalArgumentException("illumination function: grid value " + grid[i] + " at ("
                    + i % gridWidth + "," + i / gridWidth + ") is not a finite number > 0");
            }
        }
        return new IlluminationFunction(width, height, gridWidth, gridHeight, grid.clone(), sitesUsed);
    }

    /** {@code illum-} + 12 hex digits of the SHA-256 of size and values, or {@value #IDENTITY_ID}. */
    public String id() {
        return id;
    }

    /** Sites averaged into the estimate (for the identity: sites seen when it was handed out). */
    public int sitesUsed() {
        return sitesUsed;
    }

    public boolean isIdentity() {
        return grid.length == 0;
    }

    /** Image width it applies to (0 for the identity, which applies to any). */
    public int width() {
        return width;
    }

    /** Image height it applies to (0 for the identity, which applies to any). */
    public int height() {
        return height;
    }

    /** The function interpolated to full image size, row-major (all ones for the identity at the given size). */
    public float[] toImage(final int imageWidth, final int imageHeight) {
        OpenCvLoader.ensureLoaded();
        try (MatScope scope = new MatScope()) {
            final float[] out = new float[imageWidth * imageHeight];
            if (isIdentity()) {
                Arrays.fill(out, 1f);
            } else {
                requireSize(imageWidth, imageHeight);
                upsampled(scope).get(0, 0, out);
            }
            return out;
        }
    }

    /**
     * The corrected image, {@code image / function}, as a new CV_32FC1 Mat owned by {@code scope}; the identity
     * returns {@code image} itself.
     *
     * @throws IllegalArgumentException when the image is not of the size the function was estimated for
     */
    Mat apply(final Mat image, final MatScope scope) {
        if (isIdentity()) {
            return image;
        }
        requireSize(image.cols(), image.rows());
        final Mat corrected = scope.mat();
        Core.divide(image, upsampled(scope), corrected);
        return corrected;
    }

    private Mat upsampled(final MatScope scope) {
        final Mat small = scope.track(new Mat(gridHeight, gridWidth, CvType.CV_32FC1));
        small.put(0, 0, grid);
        final Mat full = scope.mat();
        Imgproc.resize(small, full, new Size(width, height), 0, 0, Imgproc.INTER_LINEAR);
        return full;
    }

    private void requireSize(final int imageWidth, final int imageHeight) {
        if (imageWidth != width || imageHeight != height) {
            throw new IllegalArgumentException("illumination function " + id + " is for " + width + "x" + height
                + " images, not " + imageWidth + "x" + imageHeight);
        }
    }

    /** Self-describing little-endian bytes: magic, version, sizes, sitesUsed, then the grid floats. */
    public byte[] toBytes() {
        final ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + 4 * grid.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(FORMAT_VERSION).putInt(width).putInt(height).putInt(gridWidth)
            .putInt(gridHeight).putInt(sitesUsed);
        for (final float v : grid) {
            out.putFloat(v);
        }
        return out.array();
    }

    /** @throws IllegalArgumentException when the bytes are not a function written by {@link #toBytes()} */
    public static IlluminationFunction fromBytes(final byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < HEADER_BYTES) {
            throw new IllegalArgumentException("illumination function: " + bytes.length
                + " bytes is shorter than the " + HEADER_BYTES + "-byte header");
        }
        final ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (in.getInt() != MAGIC) {
            throw new IllegalArgumentException("illumination function: bytes do not start with the PSIL magic");
        }
        final int version = in.getInt();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("illumination function: format version " + version
                + " is not supported (expected " + FORMAT_VERSION + ")");
        }
        final int w = in.getInt();
        final int h = in.getInt();
        final int gw = in.getInt();
        final int gh = in.getInt();
        final int sites = in.getInt();
        final long values = (long) gw * gh;
        if (gw < 0 || gh < 0 || bytes.length != HEADER_BYTES + 4 * values) {
            throw new IllegalArgumentException("illumination function: grid " + gw + "x" + gh + " needs "
                + (HEADER_BYTES + 4 * values) + " bytes, got " + bytes.length);
        }
        if (values == 0) {
            return identity(sites);
        }
        final float[] grid = new float[(int) values];
        in.asFloatBuffer().get(grid);
        return of(w, h, gw, gh, grid, sites);
    }

    private static String digest(final int w, final int h, final int gw, final int gh, final float[] grid) {
        final ByteBuffer buf = ByteBuffer.allocate(16 + 4 * grid.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(w).putInt(h).putInt(gw).putInt(gh);
        for (final float v : grid) {
            buf.putFloat(v);
        }
        try {
            final byte[] sha = MessageDigest.getInstance("SHA-256").digest(buf.array());
            return HexFormat.of().formatHex(sha, 0, 6);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof IlluminationFunction other && width == other.width && height == other.height
            && gridWidth == other.gridWidth && gridHeight == other.gridHeight && sitesUsed == other.sitesUsed
            && Arrays.equals(grid, other.grid);
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + sitesUsed;
    }

    @Override
    public String toString() {
        return id + " (" + sitesUsed + " sites" + (isIdentity() ? "" : ", " + width + "x" + height + " from a "
            + gridWidth + "x" + gridHeight + " grid") + ")";
    }
}
