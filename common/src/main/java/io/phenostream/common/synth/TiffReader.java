package io.phenostream.common.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads uncompressed single-sample grayscale TIFFs (8 or 16 bit, either byte order, any strips): enough for
 * the files {@link TiffWriter} writes and for checking them in tests. Anything else is a clear error.
 */
public final class TiffReader {

    private TiffReader() {
    }

    public static TiffImage read(final Path file) {
        try {
            return decode(file.toString(), Files.readAllBytes(file));
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read TIFF " + file + ": " + e.getMessage(), e);
        }
    }

    public static TiffImage decode(final String source, final byte[] bytes) {
        final ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (bytes.length < 8) {
            throw bad(source, "file of " + bytes.length + " bytes is too short");
        }
        if (bytes[0] == 'I' && bytes[1] == 'I') {
            buf.order(ByteOrder.LITTLE_ENDIAN);
        } else if (bytes[0] == 'M' && bytes[1] == 'M') {
            buf.order(ByteOrder.BIG_ENDIAN);
        } else {
            throw bad(source, "not a TIFF (no II/MM byte-order mark)");
        }
        if (buf.getShort(2) != 42) {
            throw bad(source, "not a classic TIFF (magic " + buf.getShort(2) + ", expected 42)");
        }
        final int ifd = buf.getInt(4);
        final int count = Short.toUnsignedInt(buf.getShort(ifd));
        int width = -1;
        int height = -1;
        int bits = 1;
        int compression = 1;
        int samples = 1;
        long[] offsets = null;
        long[] byteCounts = null;
        for (int i = 0; i < count; i++) {
            final int at = ifd + 2 + i * 12;
            final int tag = Short.toUnsignedInt(buf.getShort(at));
            switch (tag) {
                case 256 -> width = (int) values(buf, at)[0];
                case 257 -> height = (int) values(buf, at)[0];
                case 258 -> bits = (int) values(buf, at)[0];
                case 259 -> compression = (int) values(buf, at)[0];
                case 273 -> offsets = values(buf, at);
                case 277 -> samples = (int) values(buf, at)[0];
                case 279 -> byteCounts = values(buf, at);
                default -> { }
            }
        }
        if (width < 1 || height < 1 || offsets == null || byteCounts == null || offsets.length != byteCounts.length) {
            throw bad(source, "missing ImageWidth, ImageLength, StripOffsets or StripByteCounts");
        }
        if (compression != 1) {
            throw bad(source, "compression " + compression + " is not supported (only uncompressed)");
        }
        if (samples != 1 || (bits != 8 && bits != 16)) {
            throw bad(source, samples + " samples of " + bits + " bits per pixel: only 1 sample of 8 or 16 bits is supported");
        }
        final int bytesPerPixel = bits / 8;
        final int[] pixels = new int[width * height];
        int p = 0;
        for (int s = 0; s < offsets.length && p < pixels.length; s++) {
            final int end = (int) (offsets[s] + byteCounts[s]);
            if (end > bytes.length) {
                throw bad(source, "strip " + s + " runs past the end of the file");
            }
            for (int at = (int) offsets[s]; at + bytesPerPixel <= end && p < pixels.length; at += bytesPerPixel) {
                pixels[p++] = bits == 8 ? Byte.toUnsignedInt(buf.get(at)) : Short.toUnsignedInt(buf.getShort(at));
            }
        }
        if (p != pixels.length) {
            throw bad(source, "strips hold " + p + " pixels, expected " + pixels.length);
        }
        return new TiffImage(width, height, bits, pixels);
    }

    private static long[] values(final ByteBuffer buf, final int entry) {
        final int type = Short.toUnsignedInt(buf.getShort(entry + 2));
        final int n = buf.getInt(entry + 4);
        final int size = type == 3 ? 2 : type == 1 ? 1 : 4;
        final int at = n * size <= 4 ? entry + 8 : buf.getInt(entry + 8);
        final long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (size) {
                case 1 -> Byte.toUnsignedInt(buf.get(at + i));
                case 2 -> Short.toUnsignedInt(buf.getShort(at + 2 * i));
                default -> Integer.toUnsignedLong(buf.getInt(at + 4 * i));
            };
        }
        return out;
    }

    private static IllegalArgumentException bad(final String source, final String message) {
        return new IllegalArgumentException("TIFF " + source + ": " + message);
    }
}
