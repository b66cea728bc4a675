package io.phenostream.extractor.analysis;

import io.phenostream.common.config.ConfigKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opencv.core.Core;
import org.opencv.core.CvException;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Decodes one encoded channel image into a float32 Mat of its original intensities scaled to [0,1] by the bit
 * depth's full scale (255, 65535, or 2^bits - 1 for indexed images).
 *
 * <p>Accepted: TIFF and PNG (and whatever else OpenCV reads) with 8- or 16-bit unsigned pixels, stored as
 * <ul>
 *   <li>grayscale;</li>
 *   <li>RGB(A) whose three colour channels are equal (grey saved as colour): one of them is taken, alpha
 *       ignored. RGB with unequal channels is rejected rather than converted to luminance: a fluorescence
 *       channel has one intensity per pixel, so unequal colours mean a merged or pseudo-coloured overlay whose
 *       luminance mixes stains and is not a measurement;</li>
 *   <li>indexed colour (palette TIFF/PNG, such as the CellProfiler Transfluor images): OpenCV expands indices to
 *       palette colours, which are mapped back to the stored indices, the measured grey levels; a palette in
 *       which two used indices share a colour is rejected as ambiguous;</li>
 *   <li>multi-page TIFF of one channel (a z-stack or time series): reduced to its maximum-intensity projection,
 *       the usual input for 2D segmentation of a stack; all pages must have the same size.</li>
 * </ul>
 * Rejected with an {@link ImageDecodeException} naming the channel: a TIFF or PNG whose header declares more
 * pixels (over all pages) than the limit, before OpenCV allocates anything (other formats rely on OpenCV's own
 * limit of 2^30 pixels); empty or undecodable bytes, a TIFF that
 * decodes to fewer pages than it declares (truncated), images smaller than 2x2, 32-bit float or signed pixels
 * (no defined full scale, so intensities would not be comparable with integer images), 16-bit palettes.
 */
final class ChannelDecoder {

    // ANYCOLOR keeps colour pages as colour so that they can be checked, not silently mixed to grey.
    private static final int FLAGS = Imgcodecs.IMREAD_ANYDEPTH | Imgcodecs.IMREAD_ANYCOLOR;

    /** The default of {@code phenostream.image.max-pixels}: 10000 x 10000, about 400 MB as float32 per channel. */
    static final long DEFAULT_MAX_PIXELS = Long.parseLong(ConfigKey.IMAGE_MAX_PIXELS.defaultValue());

    private ChannelDecoder() {
    }

    /** {@link #decode(String, byte[], MatScope, long)} with {@link #DEFAULT_MAX_PIXELS}. */
    static Mat decode(final String channel, final byte[] bytes, final MatScope scope) {
        return decode(channel, bytes, scope, DEFAULT_MAX_PIXELS);
    }

    /**
     * @return a CV_32FC1 Mat owned by {@code scope}, each pixel divided by the bit depth's maximum (the maximum
     * over pages for a multi-page TIFF)
     * @param maxPixels the most pixels the header may declare over all pages
     * @throws ImageDecodeException naming the channel when the bytes are empty, too large, undecodable, truncated, of an
     *                              unsupported depth or colour layout, of unequal page sizes or smaller than 2x2
     */
    static Mat decode(final String channel, final byte[] bytes, final MatScope scope, final long maxPixels) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException(channel, "image is empty (0 bytes)");
        }
        final ImageHeaders headers = ImageHeaders.read(bytes);
        if (headers.pixels() > maxPixels) {
            throw new ImageDecodeException(channel, "header declares " + headers.width() + "x" + headers.height()
                + " pixels" + (headers.pixels() == headers.width() * headers.height() ? ""
                : " (" + (headers.pixels() == Long.MAX_VALUE ? "too many pages" : headers.pixels() + " over all pages")
                + ")") + ", over the limit of " + maxPixels + " (phenostream.image.max-pixels); refused before "
                + "decoding");
        }
        final MatOfByte buffer = scope.track(new MatOfByte(bytes));
        final List<Mat> pages = new ArrayList<>();
        final boolean decoded;
        try {
            decoded = Imgcodecs.imdecodemulti(buffer, FLAGS, pages);
        } catch (final CvException e) {
            throw new ImageDecodeException(channel, "cannot decode " + bytes.length + " bytes: " + e.getMessage());
        } finally {
            pages.forEach(scope::track);
        }
        if (!decoded || pages.isEmpty() || pages.get(0).empty()) {
            throw new ImageDecodeException(channel, "cannot decode " + bytes.length
                + " bytes as an image (not a TIFF/PNG/JPEG OpenCV can read, or truncated)");
        }
        if (headers.pageCount() > pages.size()) {
            throw new ImageDecodeException(channel, "TIFF declares at least " + headers.pageCount() + " pages but only "
                + pages.size() + " could be decoded from " + bytes.length + " bytes (truncated or corrupt)");
        }
        final Mat first = pages.get(0);
        if (first.cols() < 2 || first.rows() < 2) {
            throw new ImageDecodeException(channel, "image is " + first.cols() + "x" + first.rows()
                + " pixels; at least 2x2 is needed");
        }
        Mat projection = null;
        for (int p = 0; p < pages.size(); p++) {
            final Mat page = pages.get(p);
            if (page.cols() != first.cols() || page.rows() != first.rows()) {
                throw new ImageDecodeException(channel, "multi-page TIFF page " + (p + 1) + " of " + pages.size()
                    + " is " + page.cols() + "x" + page.rows() + " but page 1 is " + first.cols() + "x"
                    + first.rows() + "; a z-stack or time series must have pages of one size");
            }
            final Mat scaled = toScaledGrey(channel, page, describe(p, pages.size()), headers.palette(p), scope);
            if (projection == null) {
                projection = scaled;
            } else {
                Core.max(projection, scaled, projection);
            }
        }
        return projection;
    }

    private static String describe(final int page, final int pages) {
        return pages == 1 ? "image" : "page " + (page + 1) + " of " + pages;
    }

    private static Mat toScaledGrey(final String channel, final Mat page, final String what,
                                    final ImageHeaders.Palette palette, final MatScope scope) {
        final double fullScale;
        final Mat grey;
        if (palette != null && page.channels() >= 3) {
            if (palette.bitsPerIndex() > 8) {
                throw new ImageDecodeException(channel, what + " is indexed colour with " + palette.bitsPerIndex()
                    + "-bit indices; only palettes of up to 8 bits are supported");
            }
            grey = paletteIndices(channel, page, what, palette, scope);
            fullScale = (1 << palette.bitsPerIndex()) - 1;
        } else {
            fullScale = switch (page.depth()) {
                case CvType.CV_8U -> 255.0;
                case CvType.CV_16U -> 65535.0;
                default -> throw new ImageDecodeException(channel, what + " has unsupported pixel type "
                    + CvType.typeToString(page.type()) + "; expected 8- or 16-bit unsigned integers"
                    + (page.depth() == CvType.CV_32F ? " (32-bit float has no defined full scale: export 16-bit)"
                    : ""));
            };
            grey = singleChannel(channel, page, what, scope);
        }
        final Mat scaled = scope.mat();
        grey.convertTo(scaled, CvType.CV_32F, 1.0 / fullScale);
        return scaled;
    }

    /** Grey pages as they are; colour pages whose B, G and R agree everywhere as one of them. */
    private static Mat singleChannel(final String channel, final Mat page, final String what, final MatScope scope) {
        final int n = page.channels();
        if (n == 1) {
            return page;
        }
        if (n != 3 && n != 4) {
            throw new ImageDecodeException(channel, what + " has " + n + " colour channels; expected 1 (grey), "
                + "3 (RGB) or 4 (RGBA)");
        }
        final List<Mat> planes = new ArrayList<>();
        Core.split(page, planes);
        planes.forEach(scope::track);
        final Mat diff = scope.mat();
        final String[] names = {"blue", "green", "red"};
        for (int c = 1; c < 3; c++) {
            Core.absdiff(planes.get(0), planes.get(c), diff);
            final int differing = Core.countNonZero(diff);
            if (differing > 0) {
                throw new ImageDecodeException(channel, what + " is a colour image: its " + names[c]
                    + " differs from its blue at " + differing + " of " + page.total() + " pixels; a channel "
                    + "image must be grey (export one grey file per channel, not a merged or pseudo-coloured one)");
            }
        }
        return planes.get(0);
    }

    /** Maps the palette colours OpenCV produced back to the palette indices stored in the file. */
    private static Mat paletteIndices(final String channel, final Mat page, final String what,
                                      final ImageHeaders.Palette palette, final MatScope scope) {
        if (page.depth() != CvType.CV_8U) {
            throw new ImageDecodeException(channel, what + " is indexed colour but decoded as "
                + CvType.typeToString(page.type()) + "; expected 8-bit colours");
        }
        final int[] colours = palette.rgb();
        final Map<Integer, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < colours.length; i++) {
            // -1 marks a colour that several indices share.
            indexOf.merge(colours[i], i, (a, b) -> -1);
        }
        final int n = page.channels();
        final byte[] bgr = new byte[(int) page.total() * n];
        page.get(0, 0, bgr);
        final byte[] indices = new byte[(int) page.total()];
        int lastColour = -1;
        int lastIndex = -1;
        for (int p = 0; p < indices.length; p++) {
            final int o = p * n;
            final int colour = (bgr[o + 2] & 0xff) << 16 | (bgr[o + 1] & 0xff) << 8 | bgr[o] & 0xff;
            if (colour != lastColour) {
                final Integer index = indexOf.get(colour);
                if (index == null || index < 0) {
                    throw new ImageDecodeException(channel, what + " is indexed colour but pixel (" + p % page.cols()
                        + "," + p / page.cols() + ") has colour #" + String.format("%06x", colour)
                        + (index == null ? ", which is not in its palette" : ", which several palette indices share "
                        + "(ambiguous grey level)"));
                }
                lastColour = colour;
                lastIndex = index;
            }
            indices[p] = (byte) lastIndex;
        }
        final Mat grey = scope.track(new Mat(page.rows(), page.cols(), CvType.CV_8UC1));
        grey.put(0, 0, indices);
        return grey;
    }
}
