package io.phenostream.sink.api;

import io.phenostream.common.events.ImageRef;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Thumbnails of the channel images in object storage: the image named by the site's lineage (bucket, key) is
 * fetched, decoded (8/16-bit grayscale TIFF, or anything ImageIO reads, e.g. PNG), contrast-stretched between
 * its 0.5th and 99.5th percentiles (as image viewers do for microscopy), box-downsampled to {@code size} on its
 * longest side and encoded as an 8-bit grayscale PNG. The last 128 thumbnails are cached by sha256 and size:
 * images are content-addressed, so a cached thumbnail never goes stale.
 *
 * <p>Segmentation outlines are not drawn yet: that needs the extractor's OpenCV analysis re-run on the site with
 * the analysis' extraction parameters (see the module README).
 */
public final class S3SiteThumbnails implements SiteThumbnails {

    private static final int CACHE = 128;

    private final ObjectStore objects;
    private final Map<String, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, byte[]> eldest) {
            return size() > CACHE;
        }
    };

    public S3SiteThumbnails(final ObjectStore objects) {
        this.objects = Objects.requireNonNull(objects, "objects");
    }

    @Override
    public byte[] render(final ImageRef image, final List<ImageRef> all, final String specJson, final int size,
                         final boolean outlines) {
        final String key = image.sha256() + "/" + size;
        synchronized (cache) {
            final byte[] hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        final byte[] png = thumbnail(objects.get(image.bucket(), image.key()), image.uri(), size);
        synchronized (cache) {
            cache.put(key, png);
        }
        return png;
    }

    /** The PNG thumbnail of encoded image bytes (TIFF or an ImageIO format). */
    public static byte[] thumbnail(final byte[] bytes, final String source, final int size) {
        final Gray g = decode(bytes, source);
        final double scale = Math.min(1.0, (double) size / Math.max(g.width, g.height));
        final int w = Math.max(1, (int) Math.round(g.width * scale));
        final int h = Math.max(1, (int) Math.round(g.height * scale));
        final int[] sorted = g.pixels.clone();
        Arrays.sort(sorted);
        final double lo = sorted[(int) Math.floor(0.005 * (sorted.length - 1))];
        final double hi = Math.max(lo + 1, sorted[(int) Math.ceil(0.995 * (sorted.length - 1))]);
        final BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            final int y0 = (int) ((long) y * g.height / h);
            final int y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * g.height / h));
            for (int x = 0; x < w; x++) {
                final int x0 = (int) ((long) x * g.width / w);
                final int x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * g.width / w));
                double sum = 0;
                for (int yy = y0; yy < y1; yy++) {
                    for (int xx = x0; xx < x1; xx++) {
                        sum += g.pixels[yy * g.width + xx];
                    }
                }
                final double mean = sum / ((y1 - y0) * (x1 - x0));
                final int v = (int) Math.round(255 * Math.max(0, Math.min(1, (mean - lo) / (hi - lo))));
                out.getRaster().setSample(x, y, 0, v);
            }
        }
        try (ByteArrayOutputStream os = new ByteArrayOutputStream()) {
            ImageIO.write(out, "png", os);
            return os.toByteArray();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot encode the thumbnail of " + source, e);
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
