package io.phenostream.extractor.analysis;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Images built byte by byte to attack a decoder: well-formed headers that declare enormous sizes over a few
 * hundred bytes of compressed data (a decoder that trusts them allocates gigabytes), and the usual broken files.
 */
public final class HostileImages {

    private HostileImages() {
    }

    /** A 16-bit grey PNG whose IHDR declares {@code width x height}; valid chunks and CRCs, one tiny IDAT. */
    public static byte[] pngDeclaring(final int width, final int height) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        final ByteBuffer ihdr = ByteBuffer.allocate(13).order(ByteOrder.BIG_ENDIAN);
        ihdr.putInt(width).putInt(height).put((byte) 16).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", deflate(new byte[64]));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A little-endian 16-bit grey classic TIFF whose one strip is deflate-compressed and declares
     * {@code width x height}: every strip lies inside the file, so only the declared size gives it away.
     */
    public static byte[] tiffDeclaring(final long width, final long height) {
        final byte[] strip = deflate(new byte[256]);
        final int entryCount = 9;
        final int ifd = 8;
        final int data = ifd + 2 + entryCount * 12 + 4;
        final ByteBuffer b = ByteBuffer.allocate(data + strip.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
        b.putShort((short) entryCount);
        entry(b, 256, 4, width);                 // ImageWidth, LONG
        entry(b, 257, 4, height);                // ImageLength, LONG
        entry(b, 258, 3, 16);                    // BitsPerSample
        entry(b, 259, 3, 8);                     // Compression: deflate
        entry(b, 262, 3, 1);                     // Photometric: black is zero
        entry(b, 273, 4, data);                  // StripOffsets
        entry(b, 277, 3, 1);                     // SamplesPerPixel
        entry(b, 278, 4, height);                // RowsPerStrip: one strip
        entry(b, 279, 4, strip.length);          // StripByteCounts
        b.putInt(0);                             // no next IFD
        b.put(strip);
        return b.array();
    }

    /** A well-formed 16-bit grey PNG of {@code width x height} with a gradient (for 1-pixel and corruption cases). */
    public static byte[] grey16Png(final int width, final int height) {
        final java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height,
            java.awt.image.BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, (x * 977 + y * 131) % 65536);
            }
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "png", out);
        } catch (final java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** The first {@code keep} bytes of {@code image}: a transfer cut short. */
    public static byte[] truncated(final byte[] image, final int keep) {
        return Arrays.copyOf(image, keep);
    }

    /** {@code image} with its pixel data (everything after the first 64 bytes) overwritten by noise. */
    public static byte[] corrupt(final byte[] image) {
        final byte[] out = image.clone();
        final java.util.Random rnd = new java.util.Random(7);
        for (int i = 64; i < out.length; i++) {
            out[i] = (byte) rnd.nextInt(256);
        }
        return out;
    }

    /** Text where an image should be. */
    public static byte[] notAnImage() {
        return "<html>not an image</html>".getBytes(StandardCharsets.US_ASCII);
    }

    private static void entry(final ByteBuffer b, final int tag, final int type, final long value) {
        b.putShort((short) tag).putShort((short) type).putInt(1);
        if (type == 3) {
            b.putShort((short) value).putShort((short) 0);
        } else {
            b.putInt((int) value);
        }
    }

    private static void chunk(final ByteArrayOutputStream out, final String type, final byte[] data) {
        final byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        final CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] deflate(final byte[] raw) {
        final Deflater d = new Deflater();
        d.setInput(raw);
        d.finish();
        final byte[] buf = new byte[raw.length + 64];
        final int n = d.deflate(buf);
        d.end();
        return Arrays.copyOf(buf, n);
    }
}
