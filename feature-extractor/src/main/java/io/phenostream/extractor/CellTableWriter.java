package io.phenostream.extractor;

import io.phenostream.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Turns one site's per-cell measurements into a Parquet file (the claim check behind
 * {@code SiteFeatures.cellDataUri}). One row per cell; columns, in this order:
 * <ul>
 *   <li>{@code analysis_id, experiment_id, plate_id, run_id, well} (STRING) and {@code site} (INT32): the same on
 *       every row, so {@code read_parquet('cells/<analysisId>/**')} or {@code pd.concat} of many sites still
 *       says where each cell came from, with no join; dictionary encoding makes them cost a few bytes;</li>
 *   <li>{@code cell} (INT32): 1-based number of the cell within its site (CellProfiler's ObjectNumber
 *       convention), the row's position in the input;</li>
 *   <li>one optional DOUBLE column per feature, named as given; NaN (an undefined feature) is written as
 *       null, which pandas reads as NaN, R as NA, and SQL aggregates skip;</li>
 *   <li>{@code emb_0 .. emb_<D-1>} optional FLOAT columns for a D-dimensional embedding. Flat columns, not one
 *       {@code LIST<FLOAT>}: pandas gets a plain numeric frame ({@code df.filter(like="emb_").to_numpy()})
 *       instead of an object column of arrays, R a numeric data frame, and every dimension has its own
 *       statistics and compression, as in the Cell Painting Gallery's profile tables.</li>
 * </ul>
 * Key-value metadata ({@code phenostream.*}): schema version, analysis id, model sha256, the feature names in
 * column order (JSON array), embedding dimension, site key and cell count.
 * <p>
 * Pages are compressed with pure-Java ZSTD by default ({@link PureJavaCodecFactory}): no Hadoop jar and no
 * native library is needed at run time. The same input always gives the same bytes. Instances are immutable
 * and thread-safe.
 */
public final class CellTableWriter {

    public static final int SCHEMA_VERSION = 1;

    public static final String ANALYSIS_ID = "analysis_id";
    public static final String EXPERIMENT_ID = "experiment_id";
    public static final String PLATE_ID = "plate_id";
    public static final String RUN_ID = "run_id";
    public static final String WELL = "well";
    public static final String SITE = "site";
    public static final String CELL = "cell";
    public static final String EMBEDDING_PREFIX = "emb_";

    public static final String META_SCHEMA_VERSION = "phenostream.schema_version";
    public static final String META_ANALYSIS_ID = "phenostream.analysis_id";
    public static final String META_MODEL_SHA256 = "phenostream.model_sha256";
    public static final String META_FEATURE_NAMES = "phenostream.feature_names";
    public static final String META_EMBEDDING_DIM = "phenostream.embedding_dim";
    public static final String META_SITE_KEY = "phenostream.site_key";
    public static final String META_CELL_COUNT = "phenostream.cell_count";

    /** Identity and cell columns, in file order. */
    public static final List<String> KEY_COLUMNS = List.of(ANALYSIS_ID, EXPERIMENT_ID, PLATE_ID, RUN_ID, WELL, SITE, CELL);

    /** Plain identifiers: usable unquoted in SQL, as R names and as pandas attributes. */
    private static final Pattern FEATURE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern EMBEDDING_COLUMN = Pattern.compile(EMBEDDING_PREFIX + "[0-9]+");

    /** Page compression of the written files. */
    public enum Compression {
        UNCOMPRESSED(CompressionCodecName.UNCOMPRESSED),
        SNAPPY(CompressionCodecName.SNAPPY),
        ZSTD(CompressionCodecName.ZSTD);

        private final CompressionCodecName codec;

        Compression(final CompressionCodecName codec) {
            this.codec = codec;
        }
    }

    private final Compression compression;

    /** A writer with ZSTD pages (smaller than Snappy on feature doubles; read by pyarrow, DuckDB, R arrow, Spark). */
    public CellTableWriter() {
        this(Compression.ZSTD);
    }

    public CellTableWriter(final Compression compression) {
        this.compression = Objects.requireNonNull(compression, "compression");
    }

    public Compression compression() {
        return compression;
    }

    /**
     * The Parquet bytes of a site's cells; the embedding dimension is taken from the first embedding (a site with
     * no cells then has no {@code emb_} columns: use {@link #write(CellTableSite, List, double[][], float[][], int)}
     * to keep every file of an analysis on one schema).
     *
     * @param site         whose cells these are
     * @param featureNames one name per feature column ({@code [A-Za-z_][A-Za-z0-9_]*}, unique)
     * @param rows         one row per cell, each with one value per feature name; NaN allowed
     * @param embeddings   one vector per cell, all of the same length, or null when there is no embedding model
     * @throws IllegalArgumentException naming the site, the row and the value when the input does not fit
     */
    public byte[] write(final CellTableSite site, final List<String> featureNames, final double[][] rows,
                        final float[][] embeddings) {
        final int dim = embeddings == null || embeddings.length == 0 || embeddings[0] == null ? 0 : embeddings[0].length;
        return write(site, featureNames, rows, embeddings, dim);
    }

    /**
     * As {@link #write(CellTableSite, List, double[][], float[][])} with the embedding dimension given, so that a
     * site with no cells still gets its {@code emb_0 .. emb_<D-1>} columns.
     *
     * @param embeddingDim D, 0 when {@code embeddings} is null
     */
    public byte[] write(final CellTableSite site, final List<String> featureNames, final double[][] rows,
                        final float[][] embeddings, final int embeddingDim) {
        Objects.requireNonNull(site, "site");
        final String where = "Cell table of site " + site.siteKey() + " (analysis " + site.analysisId() + ")";
        checkFeatureNames(where, featureNames);
        checkRows(where, featureNames.size(), rows);
        checkEmbeddings(where, rows.length, embeddings, embeddingDim);

        final MessageType schema = schema(featureNames, embeddingDim);
        final Map<String, String> metadata = metadata(site, featureNames, embeddingDim, rows.length);
        final ByteArrayOutputFile file = new ByteArrayOutputFile();
        final CellTableWriteSupport support = new CellTableWriteSupport(schema, metadata, site, rows, embeddings,
            featureNames.size(), embeddingDim);
        final Builder builder = new Builder(file, support)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(new PureJavaCodecFactory())
                .withCompressionCodec(compression.codec)
                // measured values rarely repeat: a dictionary per numeric column cost 3x the write time for
                // nothing; the identity columns repeat one value and shrink to a few bytes with one
                .withDictionaryEncoding(false);
        for (final String key : List.of(ANALYSIS_ID, EXPERIMENT_ID, PLATE_ID, RUN_ID, WELL, SITE)) {
            builder.withDictionaryEncoding(key, true);
        }
        try (ParquetWriter<Integer> writer = builder.build()) {
            for (int r = 0; r < rows.length; r++) {
                writer.write(r);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(where + ": cannot encode Parquet: " + e.getMessage(), e);
        }
        return file.toByteArray();
    }

    /** The file schema for these features and embedding dimension. */
    public static MessageType schema(final List<String> featureNames, final int embeddingDim) {
        final Types.MessageTypeBuilder b = Types.buildMessage();
        for (final String name : List.of(ANALYSIS_ID, EXPERIMENT_ID, PLATE_ID, RUN_ID, WELL)) {
            b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
        }
        b.required(PrimitiveTypeName.INT32).named(SITE);
        b.required(PrimitiveTypeName.INT32).named(CELL);
        for (final String name : featureNames) {
            b.optional(PrimitiveTypeName.DOUBLE).named(name);
        }
        for (int d = 0; d < embeddingDim; d++) {
            b.optional(PrimitiveTypeName.FLOAT).named(EMBEDDING_PREFIX + d);
        }
        return b.named("cell_table");
    }

    private static Map<String, String> metadata(final CellTableSite site, final List<String> featureNames,
                                                final int embeddingDim, final int cellCount) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put(META_SCHEMA_VERSION, Integer.toString(SCHEMA_VERSION));
        m.put(META_ANALYSIS_ID, site.analysisId());
        m.put(META_MODEL_SHA256, site.modelSha256());
        m.put(META_FEATURE_NAMES, Json.write(new ArrayList<>(featureNames)));
        m.put(META_EMBEDDING_DIM, Integer.toString(embeddingDim));
        m.put(META_SITE_KEY, site.siteKey());
        m.put(META_CELL_COUNT, Integer.toString(cellCount));
        return m;
    }

    private static void checkFeatureNames(final String where, final List<String> featureNames) {
        if (featureNames == null) {
            throw new IllegalArgumentException(where + ": feature names are missing");
        }
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < featureNames.size(); i++) {
            final String name = featureNames.get(i);
            if (name == null || !FEATURE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(where + ": feature name #" + i + " '" + name
                    + "' is not a plain column name (1-128 characters of A-Z a-z 0-9 _, not starting with a digit)");
            }
            if (KEY_COLUMNS.contains(name) || EMBEDDING_COLUMN.matcher(name).matches()) {
                throw new IllegalArgumentException(where + ": feature name '" + name
                    + "' is reserved for an identity, cell or embedding column");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException(where + ": feature name '" + name + "' appears twice");
            }
        }
    }

    private static void checkRows(final String where, final int featureCount, final double[][] rows) {
        if (rows == null) {
            throw new IllegalArgumentException(where + ": the cell rows are missing (use an empty array for no cells)");
        }
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null || rows[r].length != featureCount) {
                throw new IllegalArgumentException(where + ": cell row " + r + " has "
                    + (rows[r] == null ? "no values" : rows[r].length + " values") + ", expected " + featureCount
                    + " (one per feature name)");
            }
        }
    }

    private static void checkEmbeddings(final String where, final int cellCount, final float[][] embeddings,
                                         final int embeddingDim) {
        if (embeddingDim < 0) {
            throw new IllegalArgumentException(where + ": embedding dimension " + embeddingDim + " is negative");
        }
        if (embeddings == null) {
            if (embeddingDim > 0) {
                throw new IllegalArgumentException(where + ": embedding dimension " + embeddingDim
                    + " given but the embeddings are missing");
            }
            return;
        }
        if (embeddings.length != cellCount) {
            throw new IllegalArgumentException(where + ": " + embeddings.length + " embeddings for " + cellCount
                + " cells");
        }
        for (int r = 0; r < embeddings.length; r++) {
            if (embeddings[r] == null || embeddings[r].length != embeddingDim) {
                throw new IllegalArgumentException(where + ": embedding of cell row " + r + " has "
                    + (embeddings[r] == null ? "no values" : embeddings[r].length + " values") + ", expected "
                    + embeddingDim);
            }
        }
        if (cellCount > 0 && embeddingDim == 0) {
            throw new IllegalArgumentException(where + ": embeddings have dimension 0 (pass null when there is no model)");
        }
    }

    /** parquet-java's builder over our in-memory file and write support; the Hadoop overload is never called. */
    private static final class Builder extends ParquetWriter.Builder<Integer, Builder> {

        private final WriteSupport<Integer> support;

        Builder(final OutputFile file, final WriteSupport<Integer> support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(final ParquetConfiguration conf) {
            return support;
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(final Configuration conf) {
            return support;
        }
    }
}
