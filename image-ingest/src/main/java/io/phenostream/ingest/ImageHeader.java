package io.phenostream.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What an image file says about itself, read from its header without decoding the pixels: enough to refuse a
 * corrupt or truncated file, or channels of one site that disagree, before anything is published.
 *
 * <p>TIFF: the first IFD's size, bits per sample and samples per pixel, and every strip or tile must lie inside
 * the file (a truncated transfer cuts the last ones off). PNG: the IHDR chunk, and a chunk chain that reaches
 * IEND. Both byte orders of classic TIFF are read; BigTIFF is refused by name.
 */
public record ImageHeader(String format, int width, int height, int bitsPerSample, int samplesPerPixel) {

    /** The header could not be read or does not describe a whole image. */
    public static final class BadImageException extends RuntimeException {
        public BadImageException(final String message) {
            super(message);
        }
    }

    /** Positional reads over a file or an in-memory upload. */
    private interface Source {
        long size();

        ByteBuffer read(long position, int length) throws IOException;
    }

    public static ImageHeader read(final Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            final long size = ch.size();
            return read(file.getFileName().toString(), new Source() {
                @Override
                public long size() {
                    return size;
                }

                @Override
                public ByteBuffer read(final long position, final int length) throws IOException {
                    final ByteBuffer buf = ByteBuffer.allocate(length);
                    while (buf.hasRemaining()) {
                        if (ch.read(buf, position + buf.position()) < 0) {
                            throw new BadImageException("ends at byte " + size + " (truncated)");
                        }
                    }
                    return buf.flip();
                }
            });
        } catch (final IOException e) {
            throw new BadImageException(file + ": cannot read: " + e.getMessage());
        }
    }

    public static ImageHeader read(final String name, final byte[] bytes) {
        try {
            return read(name, new Source() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public ByteBuffer read(final long position, final int length) {
                    if (position < 0 || position + length > bytes.length) {
                        throw new BadImageException("ends at byte " + bytes.length + " (truncated)");
                    }
                    return ByteBuffer.wrap(bytes, (int) position, length).slice();
                }
            });
        } catch (final IOException e) {
            throw new BadImageException(name + ": cannot read: " + e.getMessage());
        }
    }

    private static ImageHeader read(final String name, final Source src) throws IOException {
        try {
            if (src.size() < 8) {
                throw new BadImageException("only " + src.size() + " bytes: not an image");
            }
            final ByteBuffer magic = src.read(0, 8);
            final int b0 = magic.get(0) & 0xff;
            final int b1 = magic.get(1) & 0xff;
            if ((b0 == 'I' && b1 == 'I') || (b0 == 'M' && b1 == 'M')) {
                return tiff(src, b0 == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            }
            if (b0 == 0x89 && b1 == 'P' && magic.get(2) == 'N' && magic.get(3) == 'G') {
                return png(src);
            }
            throw new BadImageException("neither TIFF nor PNG (starts with bytes " + String.format("%02x %02x", b0, b1) + ")");
        } catch (final BadImageException e) {
            throw new BadImageException(name + ": " + e.getMessage());
        }
    }

    private static final int TAG_WIDTH = 256;
    private static final int TAG_HEIGHT = 257;
    private static final int TAG_BITS = 258;
    private static final int TAG_COMPRESSION = 259;
    private static final int TAG_STRIP_OFFSETS = 273;
    private static final int TAG_SAMPLES = 277;
    private static final int TAG_ROWS_PER_STRIP = 278;
    private static final int TAG_STRIP_BYTES = 279;
    private static final int TAG_TILE_OFFSETS = 324;
    private static final int TAG_TILE_BYTES = 325;

    private static ImageHeader tiff(final Source src, final ByteOrder order) throws IOException {
        final ByteBuffer head = src.read(0, 8).order(order);
        final int version = head.getShort(2) & 0xffff;
        if (version == 43) {
            throw new BadImageException("BigTIFF is not supported; write classic TIFF (< 4 GiB)");
        }
        if (version != 42) {
            throw new BadImageException("TIFF header version " + version + " (expected 42): corrupt");
        }
        final long ifd = head.getInt(4) & 0xffffffffL;
        if (ifd < 8 || ifd + 2 > src.size()) {
            throw new BadImageException("first IFD at byte " + ifd + " lies outside the " + src.size()
                + "-byte file (truncated or corrupt)");
        }
        final int entries = src.read(ifd, 2).order(order).getShort() & 0xffff;
        final ByteBuffer dir = src.read(ifd + 2, entries * 12).order(order);
        long width = -1;
        long height = -1;
        int samples = 1;
        int bits = 1;
        long compression = 1;
        long rowsPerStrip = -1;
        long[] offsets = null;
        long[] counts = null;
        for (int i = 0; i < entries; i++) {
            final int at = i * 12;
            final int tag = dir.getShort(at) & 0xffff;
            switch (tag) {
                case TAG_WIDTH -> width = values(src, dir, at, order)[0];
                case TAG_HEIGHT -> height = values(src, dir, at, order)[0];
                case TAG_BITS -> bits = (int) values(src, dir, at, order)[0];
                case TAG_COMPRESSION -> compression = values(src, dir, at, order)[0];
                case TAG_SAMPLES -> samples = (int) values(src, dir, at, order)[0];
                case TAG_ROWS_PER_STRIP -> rowsPerStrip = values(src, dir, at, order)[0];
                case TAG_STRIP_OFFSETS, TAG_TILE_OFFSETS -> offsets = values(src, dir, at, order);
                case TAG_STRIP_BYTES, TAG_TILE_BYTES -> counts = values(src, dir, at, order);
                default -> { }
            }
        }
        if (width <= 0 || height <= 0) {
            throw new BadImageException("TIFF without a valid ImageWidth/ImageLength (corrupt)");
        }
        if (offsets == null || counts == null || offsets.length != counts.length) {
            throw new BadImageException("TIFF without matching strip/tile offsets and byte counts (corrupt)");
        }
        long stored = 0;
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] + counts[i] > src.size()) {
                throw new BadImageException("image data up to byte " + (offsets[i] + counts[i]) + " but the file has "
                    + src.size() + " bytes (truncated)");
            }
            stored += counts[i];
        }
        if (compression == 1 && rowsPerStrip != 0) {
            final long needed = width * height * samples * Math.max(1, bits) / 8;
            if (stored < needed) {
                throw new BadImageException("uncompressed image needs " + needed + " bytes of pixels, has " + stored
                    + " (truncated)");
            }
        }
        return new ImageHeader("tiff", (int) width, (int) height, bits, samples);
    }

    /** The values of one IFD entry, inline or at the offset it points to. */
    private static long[] values(final Source src, final ByteBuffer dir, final int at, final ByteOrder order)
        throws IOException {
        final int type = dir.getShort(at + 2) & 0xffff;
        final long count = dir.getInt(at + 4) & 0xffffffffL;
        final int width = switch (type) {
            case 1, 2, 6, 7 -> 1;   // BYTE, ASCII, SBYTE, UNDEFINED
            case 3, 8 -> 2;         // SHORT, SSHORT
            case 4, 9 -> 4;         // LONG, SLONG
            default -> throw new BadImageException("TIFF tag " + (dir.getShort(at) & 0xffff) + " has field type "
                + type + " where an integer is expected (corrupt)");
        };
        if (count == 0 || count > 1_000_000) {
            throw new BadImageException("TIFF tag " + (dir.getShort(at) & 0xffff) + " has " + count + " values (corrupt)");
        }
        final ByteBuffer data;
        if (count * width <= 4) {
            data = dir.duplicate().order(order).position(at + 8).slice().order(order);
        } else {
            final long offset = dir.getInt(at + 8) & 0xffffffffL;
            if (offset + count * width > src.size()) {
                throw new BadImageException("TIFF tag " + (dir.getShort(at) & 0xffff) + " points past the end of the "
                    + src.size() + "-byte file (truncated)");
            }
            data = src.read(offset, (int) (count * width)).order(order);
        }
        final long[] out = new long[(int) count];
        for (int i = 0; i < count; i++) {
            out[i] = switch (width) {
                case 1 -> data.get(i) & 0xff;
                case 2 -> data.getShort(i * 2) & 0xffff;
                default -> data.getInt(i * 4) & 0xffffffffL;
            };
        }
        return out;
    }

    private static ImageHeader png(final Source src) throws IOException {
        long at = 8;
        ImageHeader header = null;
        while (true) {
            if (at + 8 > src.size()) {
                throw new BadImageException("PNG ends at byte " + src.size() + " before its IEND chunk (truncated)");
            }
            final ByteBuffer chunk = src.read(at, 8);
            final long length = chunk.getInt(0) & 0xffffffffL;
            final String type = new String(new byte[] {chunk.get(4), chunk.get(5), chunk.get(6), chunk.get(7)},
                java.nio.charset.StandardCharsets.US_ASCII);
            if (header == null) {
                if (!type.equals("IHDR") || length != 13) {
                    throw new BadImageException("PNG without IHDR chunk first (corrupt)");
                }
                final ByteBuffer ihdr = src.read(at + 8, 13);
                final int colorType = ihdr.get(9) & 0xff;
                final int samples = switch (colorType) {
                    case 0, 3 -> 1;
                    case 2 -> 3;
                    case 4 -> 2;
                    case 6 -> 4;
                    default -> throw new BadImageException("PNG color type " + colorType + " (corrupt)");
                };
                header = new ImageHeader("png", ihdr.getInt(0), ihdr.getInt(4), ihdr.get(8) & 0xff, samples);
                if (header.width <= 0 || header.height <= 0) {
                    throw new BadImageException("PNG of size " + header.width + "x" + header.height + " (corrupt)");
                }
            }
            if (type.equals("IEND")) {
                return header;
            }
            at += 12 + length;
        }
    }

    /**
     * Refuses an image larger than the pipeline will decode ({@code phenostream.image.max-pixels}), at the edge:
     * a small file can declare a size that would exhaust the extractor's memory.
     *
     * @return this header, when within the limit
     */
    public ImageHeader requirePixelsAtMost(final String name, final long maxPixels) {
        final long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new BadImageException(name + ": declares " + width + "x" + height + " pixels, over the limit of "
                + maxPixels + " (phenostream.image.max-pixels)");
        }
        return this;
    }

    /** A short description for error messages: {@code 512x512 16-bit}. */
    public String describe() {
        return width + "x" + height + " " + bitsPerSample + "-bit" + (samplesPerPixel > 1 ? " x" + samplesPerPixel : "");
    }

    /** Whether two channels of one site can be analysed together. */
    public boolean compatibleWith(final ImageHeader other) {
        return width == other.width && height == other.height && bitsPerSample == other.bitsPerSample;
    }
}
