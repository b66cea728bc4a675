package io.phenostream.sink.api;

import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.image.LabelImagePng;
import io.phenostream.common.image.LabelOutlines;
import io.phenostream.common.image.StackedLabelImages;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.synth.TiffImage;
import io.phenostream.common.synth.TiffReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Thumbnails of the channel images in object storage: the image named by the site's lineage (bucket, key) is
 * fetched, decoded (8/16-bit grayscale TIFF, or anything ImageIO reads, e.g. PNG), contrast-stretched between
 * its 0.5th and 99.5th percentiles (as image viewers do for microscopy), box-downsampled to {@code size} on its
 * longest side and encoded as an 8-bit grayscale PNG.
 *
 * <p>With outlines asked for and label images stored for the site (the extractor's {@code nuclei-over-cells}
 * mask, one object with both; or, from earlier extractors, its {@code nuclei} / {@code cells} masks), the
 * thumbnail is an RGB PNG with the segmentation drawn over it: outline pixels are found on the full-resolution labels ({@link LabelOutlines}) and a thumbnail pixel is coloured when any outline pixel falls in
 * the block it averages, so thin outlines survive downsampling. Cell outlines are {@link #CELL_OUTLINE}, nucleus
 * outlines {@link #NUCLEUS_OUTLINE} (drawn last, so they win where both meet).
 *
 * <p>The last 128 thumbnails are cached by image sha256, size and the masks drawn: images are content-addressed,
 * and a site's masks are rewritten only when the same analysis re-does the site, with the same segmentation.
 */
public final class S3SiteThumbnails implements SiteThumbnails {

    /** Colour of nucleus outlines (RGB): cyan. */
    public static final int NUCLEUS_OUTLINE = 0x00FFFF;
    /** Colour of cell outlines (RGB): magenta. */
    public static final int CELL_OUTLINE = 0xFF00FF;

    private static final int CACHE = 128;

    /** Reads one object; the production one is {@link ObjectStore#get}. */
    @FunctionalInterface
    public interface ObjectSource {
        byte[] get(String bucket, String key);
    }

    private final ObjectSource objects;
    private final Map<String, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, byte[]> eldest) {
            return size() > CACHE;
        }
    };

    public S3SiteThumbnails(final ObjectStore objects) {
        this(Objects.requireNonNull(objects, "objects")::get);
    }

    public S3SiteThumbnails(final ObjectSource objects) {
        this.objects = Objects.requireNonNull(objects, "objects");
    }

    @Override
    public byte[] render(final ImageRef image, final Map<String, String> masks, final int size,
                         final boolean outlines) {
        final String stackedUri = outlines ? masks.get(SiteFeatures.NUCLEI_OVER_CELLS_MASK) : null;
        // records of earlier extractors name one object per role
        final String nucleiUri = outlines && stackedUri == null ? masks.get(SiteFeatures.NUCLEI_MASK) : null;
        final String cellsUri = outlines && stackedUri == null ? masks.get(SiteFeatures.CELLS_MASK) : null;
        final String key = image.sha256() + "/" + size + (stackedUri != null ? "/outlines/" + stackedUri
            : nucleiUri == null && cellsUri == null ? "/plain" : "/outlines/" + nucleiUri + "|" + cellsUri);
        synchronized (cache) {
            final byte[] hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        final byte[] bytes = objects.get(image.bucket(), image.key());
        final byte[] png;
        if (stackedUri != null) {
            final StackedLabelImages labels = StackedLabelImages.decode(get(stackedUri), stackedUri);
            png = thumbnail(bytes, image.uri(), size, labels.nuclei(), labels.cells());
        } else {
            png = thumbnail(bytes, image.uri(), size, labels(nucleiUri), labels(cellsUri));
        }
        synchronized (cache) {
            cache.put(key, png);
        }
        return png;
    }

    private LabelImagePng labels(final String uri) {
        return uri == null ? null : LabelImagePng.decode(get(uri), uri);
    }

    private byte[] get(final String uri) {
        if (!uri.startsWith("s3://") || uri.indexOf('/', 5) < 0) {
            throw new IllegalArgumentException("Mask URI " + uri + " is not s3://bucket/key");
        }
        final int slash = uri.indexOf('/', 5);
        return objects.get(uri.substring(5, slash), uri.substring(slash + 1));
    }

    /** The grayscale PNG thumbnail of encoded image bytes (TIFF or an ImageIO format). */
    public static byte[] thumbnail(final byte[] bytes, final String source, final int size) {
        return thumbnail(bytes, source, size, null, null);
    }

    /**
     * The thumbnail of encoded image bytes with the outlines of the given label images (each null for none; both
     * null: the grayscale PNG of {@link #thumbnail(byte[], String, int)}).
     *
     * @throws IllegalArgumentException when a label image is not the size of the image
     */
    public static byte[] thumbnail(final byte[] bytes, final String source, final int size,
                                   final LabelImagePng nuclei, final LabelImagePng cells) {
        final Gray g = decode(bytes, source);
        final double scale = Math.min(1.0, (double) size / Math.max(g.width, g.height));
        final int w = Math.max(1, (int) Math.round(g.width * scale));
        final int h = Math.max(1, (int) Math.round(g.height * scale));
        // Thumbnail pixel (x, y) averages columns [colStart[x], colStart[x + 1]) and rows [rowStart[y], rowStart[y + 1])
        final int[] colStart = blockStarts(g.width, w);
        final int[] rowStart = blockStarts(g.height, h);
        final int[] sorted = g.pixels.clone();
        Arrays.sort(sorted);
        final double lo = sorted[(int) Math.floor(0.005 * (sorted.length - 1))];
        final double hi = Math.max(lo + 1, sorted[(int) Math.ceil(0.995 * (sorted.length - 1))]);
        final int[] gray = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double sum = 0;
                for (int yy = rowStart[y]; yy < rowStart[y + 1]; yy++) {
                    for (int xx = colStart[x]; xx < colStart[x + 1]; xx++) {
                        sum += g.pixels[yy * g.width + xx];
                    }
                }
                final double mean = sum / ((rowStart[y + 1] - rowStart[y]) * (colStart[x + 1] - colStart[x]));
                gray[y * w + x] = (int) Math.round(255 * Math.max(0, Math.min(1, (mean - lo) / (hi - lo))));
            }
        }
        final BufferedImage out;
        if (nuclei == null && cells == null) {
            out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            out.getRaster().setPixels(0, 0, w, h, gray);
        } else {
            final int[] rgb = new int[w * h];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = gray[i] << 16 | gray[i] << 8 | gray[i];
            }
            draw(rgb, cells, CELL_OUTLINE, g, w, colStart, rowStart, source);
            draw(rgb, nuclei, NUCLEUS_OUTLINE, g, w, colStart, rowStart, source);
            out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            out.setRGB(0, 0, w, h, rgb, 0, w);
        }
        try (ByteArrayOutputStream os = new ByteArrayOutputStream()) {
            ImageIO.write(out, "png", os);
            return os.toByteArray();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot encode the thumbnail of " + source, e);
        }
    }

    /** Block boundaries of a box downsampling from {@code full} to {@code thumb <= full} pixels (thumb + 1 entries). */
    private static int[] blockStarts(final int full, final int thumb) {
        final int[] start = new int[thumb + 1];
        for (int t = 0; t < thumb; t++) {
            start[t] = (int) ((long) t * full / thumb);
        }
        start[thumb] = full;
        return start;
    }

    /** Colours every thumbnail pixel whose block holds a full-resolution outline pixel of {@code labels}. */
    private static void draw(final int[] rgb, final LabelImagePng labels, final int colour, final Gray g,
                             final int w, final int[] colStart, final int[] rowStart, final String source) {
        if (labels == null) {
            return;
        }
        if (labels.width() != g.width || labels.height() != g.height) {
            throw new IllegalArgumentException("Label image of " + labels.width() + "x" + labels.height()
                + " does not fit image " + source + " of " + g.width + "x" + g.height);
        }
        final boolean[] outline = LabelOutlines.outline(labels.labels(), g.width, g.height);
        final int[] thumbCol = new int[g.width];
        for (int x = 0; x < w; x++) {
            Arrays.fill(thumbCol, colStart[x], colStart[x + 1], x);
        }
        int y = 0;
        for (int yy = 0; yy < g.height; yy++) {
            while (yy >= rowStart[y + 1]) {
                y++;
            }
            for (int xx = 0; xx < g.width; xx++) {
                if (outline[yy * g.width + xx]) {
                    rgb[y * w + thumbCol[xx]] = colour;
                }
            }
        }
    }

    private record Gray(int width, int height, int[] pixels) {
    }

    private static Gray decode(final byte[] bytes, final String source) {
        if (bytes.length >= 4 && (bytes[0] == 'I' && bytes[1] == 'I' || bytes[0] == 'M' && bytes[1] == 'M')) {
            final TiffImage t = TiffReader.decode(source, bytes);
            return new Gray(t.width(), t.height(), t.pixels());
        }
        final BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot decode " + source + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IllegalStateException("Cannot decode " + source + ": neither TIFF nor a format ImageIO reads");
        }
        final int[] px = new int[img.getWidth() * img.getHeight()];
        final boolean gray16 = img.getRaster().getSampleModel().getSampleSize(0) > 8 && img.getRaster().getNumBands() == 1;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                px[y * img.getWidth() + x] = gray16 || img.getRaster().getNumBands() == 1
                    ? img.getRaster().getSample(x, y, 0) : img.getRGB(x, y) >> 8 & 0xff;
            }
        }
        return new Gray(img.getWidth(), img.getHeight(), px);
    }
}
