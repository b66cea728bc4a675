package io.phenostream.extractor;

import io.airlift.compress.Compressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import java.io.IOException;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Page compression with aircompressor's pure-Java Snappy and ZSTD. parquet-hadoop's own {@code CodecFactory}
 * goes through Hadoop's codec classes (a Hadoop {@code Configuration}, shaded Woodstox...), and through
 * snappy-java / zstd-jni native libraries; this factory needs neither, so the writer runs with no Hadoop jar
 * at all. Write-only: the pipeline never reads these files back with parquet-java.
 */
final class PureJavaCodecFactory implements CompressionCodecFactory {

    @Override
    public BytesInputCompressor getCompressor(final CompressionCodecName codec) {
        final Compressor compressor = switch (codec) {
            case UNCOMPRESSED -> null;
            case SNAPPY -> new SnappyCompressor();
            case ZSTD -> new ZstdCompressor();
            default -> throw new IllegalArgumentException("Compression " + codec
                + " is not supported for cell tables (use UNCOMPRESSED, SNAPPY or ZSTD)");
        };
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(final BytesInput input) throws IOException {
                if (compressor == null) {
                    return input;
                }
                final byte[] raw = input.toByteArray();
                final byte[] out = new byte[compressor.maxCompressedLength(raw.length)];
                final int length = compressor.compress(raw, 0, raw.length, out, 0, out.length);
                return BytesInput.from(out, 0, length);
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() {
                // nothing pooled
            }
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(final CompressionCodecName codec) {
        throw new UnsupportedOperationException("Cell tables are written here, never read: no " + codec + " decompressor");
    }

    @Override
    public void release() {
        // nothing pooled
    }
}
