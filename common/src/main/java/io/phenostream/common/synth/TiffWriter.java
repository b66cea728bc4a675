package io.phenostream.common.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A minimal baseline TIFF encoder: little-endian, one uncompressed strip, one grayscale sample per pixel
 * (PhotometricInterpretation BlackIsZero), 8 or 16 bits. No date or software tags, so equal pixels give
 * equal bytes.
 */
public final class TiffWriter {

    private static final short SHORT = 3;
    private static final short LONG = 4;
    private static final short RATIONAL = 5;
    private static final int ENTRIES = 12;
    private static final int IFD_OFFSET = 8;
    private static final int RATIONALS_OFFSET = IFD_OFFSET + 2 + ENTRIES * 12 + 4;
    private static final int DATA_OFFSET = RATIONALS_OFFSET + 16;

    private TiffWriter() {
    }

    /** Writes a 16-bit image; {@code pixels} row-major, read as unsigned. */
    public static void write16(final Path file, final int width, final int height, final short[] pixels) {
        write(file, encode16(width, height, pixels));
    }

    /** Writes an 8-bit image; {@code pixels} row-major, read as unsigned. */
    public static void write8(final Path file, final int width, final int height, final byte[] pixels) {
        write(file, encode8(width, height, pixels));
    }

    public static byte[] encode16(final int width, final int height, final short[] pixels) {
        check(width, height, pixels.length);
        final ByteBuffer buf = header(width, height, 16);
        for (final short p : pixels) {
            buf.putShort(p);
        }
        return buf.array();
    }

    public static byte[] encode8(final int width, final int height, final byte[] pixels) {
        check(width, height, pixels.length);
        final ByteBuffer buf = header(width, height, 8);
        buf.put(pixels);
        return buf.array();
    }

    private static ByteBuffer header(final int width, final int height, final int bits) {
        final long dataBytes = (long) width * height * (bits / 8);
        if (DATA_OFFSET + dataBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Image " + width + "x" + height + " is too large for one TIFF strip");
        }
        final ByteBuffer buf = ByteBuffer.allocate(DATA_OFFSET + (int) dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(IFD_OFFSET);
        buf.putShort((short) ENTRIES);
        // Tags must be in ascending order.
        entry(buf, 256, LONG, width);                 // ImageWidth
        entry(buf, 257, LONG, height);                // ImageLength
        entry(buf, 258, SHORT, bits);                 // BitsPerSample
        entry(buf, 259, SHORT, 1);                    // Compression: none
        entry(buf, 262, SHORT, 1);                    // PhotometricInterpretation: BlackIsZero
        entry(buf, 273, LONG, DATA_OFFSET);           // StripOffsets
        entry(buf, 277, SHORT, 1);                    // SamplesPerPixel
        entry(buf, 278, LONG, height);                // RowsPerStrip: one strip
        entry(buf, 279, LONG, (int) dataBytes);       // StripByteCounts
        entry(buf, 282, RATIONAL, RATIONALS_OFFSET);  // XResolution
        entry(buf, 283, RATIONAL, RATIONALS_OFFSET + 8); // YResolution
        entry(buf, 296, SHORT, 1);                    // ResolutionUnit: none
        buf.putInt(0);                                // no next IFD
        buf.putInt(1).putInt(1).putInt(1).putInt(1);  // 1/1 pixel per unit, both axes
        return buf;
    }

    private static void entry(final ByteBuffer buf, final int tag, final short type, final int value) {
        buf.putShort((short) tag).putShort(type).putInt(1);
        if (type == SHORT) {
            buf.putShort((short) value).putShort((short) 0);
        } else {
            buf.putInt(value);
        }
    }

    private static void check(final int width, final int height, final int length) {
        if (width < 1 || height < 1 || (long) width * height != length) {
            throw new IllegalArgumentException("TIFF " + width + "x" + height + " needs " + ((long) width * height)
                + " pixels, got " + length);
        }
    }

    private static void write(final Path file, final byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write TIFF " + file + ": " + e.getMessage(), e);
        }
    }
}
