package io.phenostream.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Small, well-formed images whose headers declare enormous sizes (what the extractor's tests attack its decoder
 * with, in {@code HostileImages}): every chunk and strip is inside the file, so only the size gives them away.
 */
public final class HostileHeaders {

    private HostileHeaders() {
    }

    /** A 16-bit grey PNG declaring {@code width x height}, with valid CRCs and a tiny IDAT. */
    public static byte[] png(final int width, final int height) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 16).array());
        chunk(out, "IDAT", deflate(new byte[64]));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** A classic little-endian TIFF declaring {@code width x height} in one deflate-compressed strip. */
    public static byte[] tiff(final long width, final long height) {
        final byte[] strip = deflate(new byte[256]);
        final int entries = 9;
        final int data = 8 + 2 + entries * 12 + 4;
        final ByteBuffer b = ByteBuffer.allocate(data + strip.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) entries);
        entry(b, 256, 4, width);
        entry(b, 257, 4, height);
        entry(b, 258, 3, 16);
        entry(b, 259, 3, 8);
        entry(b, 262, 3, 1);
        entry(b, 273, 4, data);
        entry(b, 277, 3, 1);
        entry(b, 278, 4, height);
        entry(b, 279, 4, strip.length);
        b.putInt(0).put(strip);
        return b.array();
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
        final byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        final CRC32 crc = new CRC32();
        crc.update(name);
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
