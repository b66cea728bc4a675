package io.phenostream.extractor.analysis;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What an encoded TIFF or PNG says about itself that OpenCV does not report: how many pages a TIFF holds (a
 * truncated multi-page TIFF decodes to fewer pages without any error), the palette of indexed-colour pages
 * (OpenCV expands palette pixels to colours; the measured values are the palette indices), and the declared size,
 * so that an image whose header claims more pixels than memory allows is refused before OpenCV allocates them.
 * Only headers are read; other formats and unparseable headers give {@link #UNKNOWN}.
 */
final class ImageHeaders {

    /** The palette of one indexed-colour page, as the 8-bit colours OpenCV expands its indices to. */
    record Palette(int bitsPerIndex, int[] rgb) {
    }

    /** Nothing known: no page count to check, no palette. */
    static final ImageHeaders UNKNOWN = new ImageHeaders(-1, List.of(), -1, -1, -1);

    private static final int TAG_WIDTH = 256;
    private static final int TAG_HEIGHT = 257;
    private static final int TAG_BITS_PER_SAMPLE = 258;
    private static final int TAG_PHOTOMETRIC = 262;
    private static final int TAG_COLOR_MAP = 320;
    private static final int PHOTOMETRIC_PALETTE = 3;
    private static final int MAX_PAGES = 100_000;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final int pageCount;
    private final List<Palette> palettes;
    private final long width;
    private final long height;
    private final long pixels;

    private ImageHeaders(final int pageCount, final List<Palette> palettes, final long width, final long height,
                         final long pixels) {
        this.pageCount = pageCount;
        this.palettes = palettes;
        this.width = width;
        this.height = height;
        this.pixels = pixels;
    }

    /** Width and height the first page declares, or -1 when unknown. */
    long width() {
        return width;
    }

    long height() {
        return height;
    }

    /** Pixels over every page read (width x height summed), what decoding will allocate; -1 when unknown. */
    long pixels() {
        return pixels;
    }

    /** Number of pages the container declares (at least), or -1 when unknown. */
    int pageCount() {
        return pageCount;
    }

    /** The palette of page {@code page}, or null when the page is not indexed colour (or unknown). */
    Palette palette(final int page) {
        return page < palettes.size() ? palettes.get(page) : null;
    }

    static ImageHeaders read(final byte[] bytes) {
        try {
            if (bytes.length >= 8 && startsWith(bytes, PNG_SIGNATURE)) {
                return png(bytes);
            }
            if (bytes.length >= 8 && (bytes[0] == 'I' && bytes[1] == 'I' || bytes[0] == 'M' && bytes[1] == 'M')) {
                return tiff(bytes);
            }
        } catch (final RuntimeException e) {
            // A header we cannot walk (truncated, corrupt): let OpenCV's decode report the problem.
        }
        return UNKNOWN;
    }

    private static boolean startsWith(final byte[] bytes, final byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** PNG: colour type 3 is indexed; PLTE holds 8-bit RGB triples. */
    private static ImageHeaders png(final byte[] bytes) {
        final ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int pos = 8;
        int bitDepth = 0;
        int colourType = -1;
        long width = -1;
        long height = -1;
        while (pos + 8 <= bytes.length) {
            final int length = in.getInt(pos);
            final String type = new String(bytes, pos + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
            final int data = pos + 8;
            if (length < 0 || data + length > bytes.length) {
                break;
            }
            if (type.equals("IHDR")) {
                width = Integer.toUnsignedLong(in.getInt(data));
                height = Integer.toUnsignedLong(in.getInt(data + 4));
                bitDepth = bytes[data + 8] & 0xff;
                colourType = bytes[data + 9] & 0xff;
            } else if (type.equals("PLTE") && colourType == 3) {
                final int[] rgb = new int[length / 3];
                for (int i = 0; i < rgb.length; i++) {
                    rgb[i] = (bytes[data + 3 * i] & 0xff) << 16 | (bytes[data + 3 * i + 1] & 0xff) << 8
                        | bytes[data + 3 * i + 2] & 0xff;
                }
                return new ImageHeaders(1, List.of(new Palette(bitDepth, rgb)), width, height, pixels(width, height));
            } else if (type.equals("IDAT") || type.equals("IEND")) {
                break;
            }
            pos = data + length + 4;
        }
        return new ImageHeaders(1, List.of(), width, height, pixels(width, height));
    }

    private static long pixels(final long width, final long height) {
        return width < 0 || height < 0 ? -1 : width * height;
    }

    /** Classic TIFF: walks the IFD chain; BigTIFF gives {@link #UNKNOWN}. */
    private static ImageHeaders tiff(final byte[] bytes) {
        final ByteBuffer in = ByteBuffer.wrap(bytes)
            .order(bytes[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        if (in.getShort(2) != 42) {
            return UNKNOWN;
        }
        final List<Palette> palettes = new ArrayList<>();
        long ifd = Integer.toUnsignedLong(in.getInt(4));
        int pages = 0;
        long firstWidth = -1;
        long firstHeight = -1;
        long pixels = 0;
        while (ifd != 0) {
            if (pages >= MAX_PAGES) {
                // A chain this long (or one that loops) is refused as too large rather than decoded.
                return new ImageHeaders(-1, List.of(), firstWidth, firstHeight, Long.MAX_VALUE);
            }
            final int at = (int) ifd;
            if (ifd + 2 > bytes.length || at + 6 + 12L * Short.toUnsignedInt(in.getShort(at)) > bytes.length) {
                // The chain points past the end: at least one more page was cut off.
                return new ImageHeaders(pages + 1, palettes, firstWidth, firstHeight, pixels);
            }
            final int entries = Short.toUnsignedInt(in.getShort(at));
            int photometric = -1;
            int bits = 1;
            int mapCount = 0;
            long mapOffset = 0;
            long width = 0;
            long height = 0;
            for (int e = 0; e < entries; e++) {
                final int entry = at + 2 + 12 * e;
                final int tag = Short.toUnsignedInt(in.getShort(entry));
                final long count = Integer.toUnsignedLong(in.getInt(entry + 4));
                switch (tag) {
                    case TAG_WIDTH -> width = sizeValue(in, entry);
                    case TAG_HEIGHT -> height = sizeValue(in, entry);
                    case TAG_PHOTOMETRIC -> photometric = Short.toUnsignedInt(in.getShort(entry + 8));
                    // With several samples the value is an offset; a palette page has one sample anyway.
                    case TAG_BITS_PER_SAMPLE -> bits = count == 1 ? Short.toUnsignedInt(in.getShort(entry + 8)) : bits;
                    case TAG_COLOR_MAP -> {
                        mapCount = (int) count;
                        mapOffset = Integer.toUnsignedLong(in.getInt(entry + 8));
                    }
                    default -> {
                    }
                }
            }
            palettes.add(photometric == PHOTOMETRIC_PALETTE && mapCount > 0
                ? new Palette(bits, colourMap(in, (int) mapOffset, mapCount / 3)) : null);
            if (pages == 0) {
                firstWidth = width;
                firstHeight = height;
            }
            pixels += width * height;
            pages++;
            ifd = Integer.toUnsignedLong(in.getInt(at + 2 + 12 * entries));
        }
        return new ImageHeaders(pages, palettes, firstWidth, firstHeight, pixels);
    }

    /** ImageWidth / ImageLength: SHORT or LONG, inline in the entry. */
    private static long sizeValue(final ByteBuffer in, final int entry) {
        final int type = Short.toUnsignedInt(in.getShort(entry + 2));
        return type == 3 ? Short.toUnsignedInt(in.getShort(entry + 8)) : Integer.toUnsignedLong(in.getInt(entry + 8));
    }

    /**
     * TIFF colour maps hold 16-bit R, then G, then B tables. Like libtiff (which OpenCV uses), a map whose
     * values all fit in 8 bits is taken as an old-style 8-bit map, otherwise each value is shifted right by 8.
     */
    private static int[] colourMap(final ByteBuffer in, final int offset, final int n) {
        final int[] raw = new int[3 * n];
        boolean eightBit = true;
        for (int i = 0; i < raw.length; i++) {
            raw[i] = Short.toUnsignedInt(in.getShort(offset + 2 * i));
            eightBit &= raw[i] < 256;
        }
        final int shift = eightBit ? 0 : 8;
        final int[] rgb = new int[n];
        for (int i = 0; i < n; i++) {
            rgb[i] = (raw[i] >> shift) << 16 | (raw[n + i] >> shift) << 8 | raw[2 * n + i] >> shift;
        }
        return rgb;
    }
}
