package io.phenostream.sink.api;

import io.phenostream.sink.WellProfileRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Per-well normalized profiles as one Parquet file, for pandas ({@code pd.read_parquet}), R arrow or DuckDB:
 * columns {@code plate, run, well, compound, unit, role} (STRING, optional), {@code concentration} (DOUBLE,
 * optional), then one optional DOUBLE column per normalized feature, named as stored ({@code feature_NAME} where a
 * name clashes with a fixed column): the same columns as the CSV export, in another order. Written the way feature-extractor's {@code CellTableWriter} writes cell tables: parquet-java with a
 * plain (non-Hadoop) configuration and an in-memory output file, so no Hadoop jar is needed at run time. Pages
 * are uncompressed: a profile table is small, and no codec library is pulled in.
 */
public final class WellProfileParquet {

    static final List<String> TEXT_COLUMNS = List.of("plate", "run", "well", "compound", "unit", "role");
    static final List<String> NUMBER_COLUMNS = List.of("concentration");

    private WellProfileParquet() {
    }

    public static byte[] write(final String experimentId, final String analysisId, final List<WellProfileRow> rows) {
        final List<String> features = Exports.featureColumns(rows);
        final Types.MessageTypeBuilder b = Types.buildMessage();
        for (final String c : TEXT_COLUMNS) {
            b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c);
        }
        for (final String c : NUMBER_COLUMNS) {
            b.optional(PrimitiveTypeName.DOUBLE).named(c);
        }
        for (final String f : features) {
            b.optional(PrimitiveTypeName.DOUBLE).named(Exports.featureColumn(f));
        }
        final MessageType schema = b.named("well_profile");
        final Map<String, String> metadata = new HashMap<>();
        metadata.put("phenostream.experiment_id", experimentId);
        metadata.put("phenostream.analysis_id", analysisId);
        final MemoryFile file = new MemoryFile();
        try (ParquetWriter<WellProfileRow> writer = new Builder(file, new ProfileWriteSupport(schema, metadata,
            features)).withConf(new PlainParquetConfiguration()).withCodecFactory(new Uncompressed())
            .withCompressionCodec(CompressionCodecName.UNCOMPRESSED).build()) {
            for (final WellProfileRow r : rows) {
                writer.write(r);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot encode well profiles as Parquet: " + e.getMessage(), e);
        }
        return file.bytes.toByteArray();
    }

    private static final class Builder extends ParquetWriter.Builder<WellProfileRow, Builder> {
        private final WriteSupport<WellProfileRow> support;

        Builder(final OutputFile file, final WriteSupport<WellProfileRow> support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<WellProfileRow> getWriteSupport(final Configuration conf) {
            return support;
        }

        @Override
        protected WriteSupport<WellProfileRow> getWriteSupport(final ParquetConfiguration conf) {
            return support;
        }
    }

    private static final class ProfileWriteSupport extends WriteSupport<WellProfileRow> {
        private final MessageType schema;
        private final Map<String, String> metadata;
        private final List<String> features;
        private RecordConsumer out;

        ProfileWriteSupport(final MessageType schema, final Map<String, String> metadata,
                            final List<String> features) {
            this.schema = schema;
            this.metadata = metadata;
            this.features = features;
        }

        @Override
        public WriteContext init(final Configuration configuration) {
            return new WriteContext(schema, metadata);
        }

        @Override
        public WriteContext init(final ParquetConfiguration configuration) {
            return new WriteContext(schema, metadata);
        }

        @Override
        public void prepareForWrite(final RecordConsumer recordConsumer) {
            this.out = recordConsumer;
        }

        @Override
        public void write(final WellProfileRow r) {
            out.startMessage();
            final List<String> texts = List.of(nz(r.plateId()), nz(r.runId()), nz(r.well()), nz(r.compound()),
                nz(r.unit()), nz(r.role()));
            final List<String> raw = new ArrayList<>();
            raw.add(r.plateId());
            raw.add(r.runId());
            raw.add(r.well());
            raw.add(r.compound());
            raw.add(r.unit());
            raw.add(r.role());
            int field = 0;
            for (int i = 0; i < texts.size(); i++, field++) {
                if (raw.get(i) != null) {
                    out.startField(TEXT_COLUMNS.get(i), field);
                    out.addBinary(Binary.fromString(texts.get(i)));
                    out.endField(TEXT_COLUMNS.get(i), field);
                }
            }
            final Double[] numbers = {r.concentration()};
            for (int i = 0; i < numbers.length; i++, field++) {
                addDouble(NUMBER_COLUMNS.get(i), field, numbers[i]);
            }
            for (final String f : features) {
                addDouble(Exports.featureColumn(f), field++, r.normalized().get(f));
            }
            out.endMessage();
        }

        // null and non-finite values are left out of the record: the column reads as null (NaN in pandas).
        private void addDouble(final String name, final int field, final Double v) {
            if (v != null && Double.isFinite(v)) {
                out.startField(name, field);
                out.addDouble(v);
                out.endField(name, field);
            }
        }

        private static String nz(final String s) {
            return s == null ? "" : s;
        }
    }

    /** Pages as they are: no codec library, no Hadoop codec pool. */
    private static final class Uncompressed implements CompressionCodecFactory {
        @Override
        public BytesInputCompressor getCompressor(final CompressionCodecName codec) {
            if (codec != CompressionCodecName.UNCOMPRESSED) {
                throw new IllegalArgumentException("Only UNCOMPRESSED pages are written, not " + codec);
            }
            return new BytesInputCompressor() {
                @Override
                public BytesInput compress(final BytesInput input) {
                    return input;
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
            throw new UnsupportedOperationException("Profiles are written here, never read");
        }

        @Override
        public void release() {
            // nothing pooled
        }
    }

    /** The file in memory: a profile table of a few thousand wells is a few MB at most. */
    private static final class MemoryFile implements OutputFile {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);

        @Override
        public PositionOutputStream create(final long blockSizeHint) {
            bytes.reset();
            return new PositionOutputStream() {
                @Override
                public long getPos() {
                    return bytes.size();
                }

                @Override
                public void write(final int b) {
                    bytes.write(b);
                }

                @Override
                public void write(final byte[] b, final int off, final int len) {
                    bytes.write(b, off, len);
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(final long blockSizeHint) {
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }

        @Override
        public String getPath() {
            return "memory";
        }
    }
}
