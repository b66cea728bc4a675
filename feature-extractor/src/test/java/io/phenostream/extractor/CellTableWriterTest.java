package io.phenostream.extractor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Per-cell Parquet tables read back by DuckDB (and pyarrow/pandas where /usr/bin/python3 has them): values
 * exactly as written, NaN as null, identity columns, metadata, compression, and the input checks.
 */
class CellTableWriterTest {

    static final CellTableSite SITE = new CellTableSite("a-0123456789abcdef", "f00dcafe", "EXP-1", "PLATE_7", "run1",
        WellId.parse("B03"), 2);
    static final List<String> FEATURES = List.of("nucleus_area", "dna_nucleus_mean", "dna_nuc_cyto_ratio");
    static final double[][] ROWS = {
        {120.0, 0.25, 1.5},
        {80.0, 0.75, Double.NaN},
        {Double.NaN, 0.5, Double.POSITIVE_INFINITY},
        {200.0, 0.125, 2.0},
    };
    static final float[][] EMBEDDINGS = {{0.5f, -1f}, {0.25f, Float.NaN}, {1e-3f, 3f}, {0f, 7.5f}};

    @TempDir
    Path tmp;

    private Path written(final byte[] bytes) throws IOException {
        return Files.write(tmp.resolve("site-" + System.nanoTime() + ".parquet"), bytes);
    }

    @Test
    void countAndMeanSkipUndefinedFeatures() throws Exception {
        final Path file = written(new CellTableWriter().write(SITE, FEATURES, ROWS, EMBEDDINGS));
        try (ParquetQuery q = new ParquetQuery()) {
            final Map<String, Object> r = q.single("SELECT count(*) AS n, avg(nucleus_area) AS mean_area, "
                + "count(nucleus_area) AS n_area, count(dna_nuc_cyto_ratio) AS n_ratio, "
                + "sum(CASE WHEN isnan(nucleus_area) THEN 1 ELSE 0 END) AS nan_area FROM read_parquet(?)", file);
            assertEquals(4L, ((Number) r.get("n")).longValue());
            // (120 + 80 + 200) / 3: the NaN row is null, so SQL skips it
            assertEquals(400.0 / 3, (Double) r.get("mean_area"));
            assertEquals(3L, ((Number) r.get("n_area")).longValue());
            assertEquals(3L, ((Number) r.get("n_ratio")).longValue());
            assertEquals(0L, ((Number) r.get("nan_area")).longValue());
        }
    }

    @Test
    void everyValueReadsBackExactlyWithIdentityOnEachRow() throws Exception {
        final Path file = written(new CellTableWriter().write(SITE, FEATURES, ROWS, EMBEDDINGS));
        try (ParquetQuery q = new ParquetQuery()) {
            final List<Map<String, Object>> rows = q.rows("SELECT * FROM read_parquet(?) ORDER BY cell", file);
            assertEquals(4, rows.size());
            for (int i = 0; i < rows.size(); i++) {
                final Map<String, Object> row = rows.get(i);
                assertEquals("a-0123456789abcdef", row.get("analysis_id"));
                assertEquals("EXP-1", row.get("experiment_id"));
                assertEquals("PLATE_7", row.get("plate_id"));
                assertEquals("run1", row.get("run_id"));
                assertEquals("B03", row.get("well"));
                assertEquals(2, row.get("site"));
                assertEquals(i + 1, row.get("cell"));
                for (int f = 0; f < FEATURES.size(); f++) {
                    final double expected = ROWS[i][f];
                    final Object actual = row.get(FEATURES.get(f));
                    if (Double.isNaN(expected)) {
                        assertNull(actual, "cell " + (i + 1) + " " + FEATURES.get(f));
                    } else {
                        assertEquals(expected, (Double) actual, "cell " + (i + 1) + " " + FEATURES.get(f));
                    }
                }
                for (int d = 0; d < 2; d++) {
                    final float expected = EMBEDDINGS[i][d];
                    final Object actual = row.get("emb_" + d);
                    if (Float.isNaN(expected)) {
                        assertNull(actual);
                    } else {
                        assertEquals(expected, (Float) actual, "cell " + (i + 1) + " emb_" + d);
                    }
                }
            }
            assertEquals(Double.POSITIVE_INFINITY, (Double) rows.get(2).get("dna_nuc_cyto_ratio"));
        }
    }

    @Test
    void columnsAreTypedAndOrdered() throws Exception {
        final Path file = written(new CellTableWriter().write(SITE, FEATURES, ROWS, EMBEDDINGS));
        try (ParquetQuery q = new ParquetQuery()) {
            final Map<String, String> types = q.columnTypes(file);
            assertEquals(List.of("analysis_id", "experiment_id", "plate_id", "run_id", "well", "site", "cell",
                "nucleus_area", "dna_nucleus_mean", "dna_nuc_cyto_ratio", "emb_0", "emb_1"), new ArrayList<>(types.keySet()));
            assertEquals(List.of("VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "INTEGER", "INTEGER",
                "DOUBLE", "DOUBLE", "DOUBLE", "FLOAT", "FLOAT"), new ArrayList<>(types.values()));
        }
    }

    @Test
    void metadataNamesAnalysisModelAndFeatureOrder() throws Exception {
        final Path file = written(new CellTableWriter().write(SITE, FEATURES, ROWS, EMBEDDINGS));
        try (ParquetQuery q = new ParquetQuery()) {
            final Map<String, String> meta = q.keyValueMetadata(file);
            assertEquals("1", meta.get(CellTableWriter.META_SCHEMA_VERSION));
            assertEquals("a-0123456789abcdef", meta.get(CellTableWriter.META_ANALYSIS_ID));
            assertEquals("f00dcafe", meta.get(CellTableWriter.META_MODEL_SHA256));
            assertEquals("[\"nucleus_area\",\"dna_nucleus_mean\",\"dna_nuc_cyto_ratio\"]", meta.get(CellTableWriter.META_FEATURE_NAMES));
            assertEquals(FEATURES, Arrays.asList(Json.read(meta.get(CellTableWriter.META_FEATURE_NAMES)
                .getBytes(StandardCharsets.UTF_8), String[].class)));
            assertEquals("2", meta.get(CellTableWriter.META_EMBEDDING_DIM));
            assertEquals("EXP-1/PLATE_7/run1/B03/2", meta.get(CellTableWriter.META_SITE_KEY));
            assertEquals("4", meta.get(CellTableWriter.META_CELL_COUNT));
        }
    }

    @ParameterizedTest
    @EnumSource(CellTableWriter.Compression.class)
    void everyCompressionIsReadableAndDeclared(final CellTableWriter.Compression compression) throws Exception {
        final Path file = written(new CellTableWriter(compression).write(SITE, FEATURES, ROWS, EMBEDDINGS));
        try (ParquetQuery q = new ParquetQuery()) {
            final List<Map<String, Object>> codecs = q.rows("SELECT DISTINCT compression FROM parquet_metadata(?)", file);
            assertEquals(List.of(Map.of("compression", compression.name())), codecs);
            final Map<String, Object> r = q.single("SELECT sum(dna_nucleus_mean) AS s, sum(emb_1) AS e FROM read_parquet(?)", file);
            assertEquals(1.625, (Double) r.get("s"));
            assertEquals(9.5, ((Number) r.get("e")).doubleValue());
        }
    }

    @Test
    void manyCellsCompressAndSumExactly() throws Exception {
        final int cells = 1500;
        final int featureCount = 30;
        final int dim = 64;
        final List<String> names = new ArrayList<>();
        for (int f = 0; f < featureCount; f++) {
            names.add("feature_" + f);
        }
        final double[][] rows = new double[cells][featureCount];
        final float[][] emb = new float[cells][dim];
        double expectedSum = 0;
        for (int c = 0; c < cells; c++) {
            for (int f = 0; f < featureCount; f++) {
                rows[c][f] = ((c * 31 + f * 7) % 1000) * 0.5; // halves: sums stay exact in a double
            }
            for (int d = 0; d < dim; d++) {
                emb[c][d] = ((c + d) % 17) * 0.25f;
            }
            expectedSum += rows[c][5];
        }
        final byte[] zstd = new CellTableWriter().write(SITE, names, rows, emb);
        final byte[] plain = new CellTableWriter(CellTableWriter.Compression.UNCOMPRESSED).write(SITE, names, rows, emb);
        assertTrue(zstd.length < plain.length, "zstd " + zstd.length + " bytes vs uncompressed " + plain.length);
        final Path file = written(zstd);
        try (ParquetQuery q = new ParquetQuery()) {
            final Map<String, Object> r = q.single("SELECT count(*) AS n, sum(feature_5) AS s, max(cell) AS last, "
                + "sum(emb_63) AS e FROM read_parquet(?)", file);
            assertEquals((long) cells, ((Number) r.get("n")).longValue());
            assertEquals(expectedSum, (Double) r.get("s"));
            assertEquals(cells, r.get("last"));
            double expectedEmb = 0;
            for (int c = 0; c < cells; c++) {
                expectedEmb += emb[c][63];
            }
            assertEquals(expectedEmb, ((Number) r.get("e")).doubleValue());
            // one repeated value per identity column: dictionary-encoded down to a few bytes for 1500 rows
            final Map<String, Object> id = q.single("SELECT encodings, total_compressed_size AS size FROM parquet_metadata(?) "
                + "WHERE path_in_schema = 'analysis_id'", file);
            assertTrue(id.get("encodings").toString().contains("DICTIONARY"), id.toString());
            assertTrue(((Number) id.get("size")).longValue() < 200, id.toString());
        }
    }

    @Test
    void sameInputSameBytes() {
        final CellTableWriter writer = new CellTableWriter();
        assertArrayEquals(writer.write(SITE, FEATURES, ROWS, EMBEDDINGS), writer.write(SITE, FEATURES, ROWS, EMBEDDINGS));
    }

    @Test
    void siteWithoutCellsKeepsTheSchema() throws Exception {
        final Path file = written(new CellTableWriter().write(SITE, FEATURES, new double[0][], new float[0][], 3));
        try (ParquetQuery q = new ParquetQuery()) {
            assertEquals(0L, ((Number) q.single("SELECT count(*) AS n FROM read_parquet(?)", file).get("n")).longValue());
            final Map<String, String> types = q.columnTypes(file);
            assertEquals(7 + 3 + 3, types.size());
            assertEquals("FLOAT", types.get("emb_2"));
            assertEquals("0", q.keyValueMetadata(file).get(CellTableWriter.META_CELL_COUNT));
        }
    }

    @Test
    void withoutModelThereAreNoEmbeddingColumns() throws Exception {
        final CellTableSite classical = new CellTableSite("a-1", null, "E", "P", "R", WellId.parse("a1"), 1);
        final Path file = written(new CellTableWriter().write(classical, FEATURES, ROWS, null));
        try (ParquetQuery q = new ParquetQuery()) {
            assertFalse(q.columnTypes(file).keySet().stream().anyMatch(c -> c.startsWith("emb_")));
            assertEquals(AnalysisSpec.NO_MODEL, q.keyValueMetadata(file).get(CellTableWriter.META_MODEL_SHA256));
            assertEquals("A01", q.single("SELECT DISTINCT well FROM read_parquet(?)", file).get("well"));
        }
    }

    @Test
    void badInputIsRefusedNamingSiteAndValue() {
        final CellTableWriter writer = new CellTableWriter();
        final double[][] ragged = {{1, 2, 3}, {1, 2}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> writer.write(SITE, FEATURES, ragged, null));
        assertTrue(e.getMessage().contains("EXP-1/PLATE_7/run1/B03/2") && e.getMessage().contains("cell row 1 has 2 values, expected 3"),
            e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
            () -> writer.write(SITE, List.of("area", "area"), new double[][] {{1, 2}}, null));
        assertTrue(e.getMessage().contains("'area' appears twice"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
            () -> writer.write(SITE, List.of("cell"), new double[][] {{1}}, null));
        assertTrue(e.getMessage().contains("'cell' is reserved"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
            () -> writer.write(SITE, List.of("emb_4"), new double[][] {{1}}, null));
        assertTrue(e.getMessage().contains("'emb_4' is reserved"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
            () -> writer.write(SITE, List.of("nucleus area"), new double[][] {{1}}, null));
        assertTrue(e.getMessage().contains("feature name #0 'nucleus area'"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
            () -> writer.write(SITE, FEATURES, ROWS, new float[][] {{1f}, {2f}}));
        assertTrue(e.getMessage().contains("2 embeddings for 4 cells"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
            () -> writer.write(SITE, FEATURES, ROWS, new float[][] {{1f, 2f}, {1f, 2f}, {1f}, {1f, 2f}}));
        assertTrue(e.getMessage().contains("embedding of cell row 2 has 1 values, expected 2"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
            () -> writer.write(SITE, FEATURES, ROWS, null, 8));
        assertTrue(e.getMessage().contains("embedding dimension 8 given but the embeddings are missing"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
            () -> new CellTableSite("a-1", "m", "EXP/1", "P", "R", WellId.parse("A01"), 1));
        assertTrue(e.getMessage().contains("experimentId 'EXP/1'"), e.getMessage());
    }

    @Test
    void objectKeyIsAFunctionOfAnalysisAndSite() {
        assertEquals("cells/a-0123456789abcdef/EXP-1/PLATE_7/run1/B03-2.parquet", SITE.objectKey());
        final AnalysisSpec spec = AnalysisSpec.classicalDefaults();
        final ImageSet set = new ImageSet(ImageSet.SCHEMA_VERSION, spec.analysisId(), spec, "E1", "P1", "R1",
            WellId.parse("P24"), 9, List.of(), "DNA", null, "2024-01-01T00:00:00Z");
        final CellTableSite fromSet = CellTableSite.of(set);
        assertEquals("cells/" + spec.analysisId() + "/E1/P1/R1/P24-9.parquet", fromSet.objectKey());
        assertEquals(AnalysisSpec.NO_MODEL, fromSet.modelSha256());
    }

    @Test
    void runsWithoutHadoopOnTheClasspath() {
        // the pom keeps the compile-only Hadoop jar off the test classpath, as it is off the runtime one
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.hadoop.conf.Configuration"));
    }

    /** pandas users read the same file: checked with /usr/bin/python3's pyarrow + pandas when it has them. */
    @Test
    void pandasReadsTheFileWhereAvailable() throws Exception {
        final Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        assumeTrue(exitCode(python.toString(), "-c", "import pyarrow, pandas") == 0, "no pyarrow/pandas in /usr/bin/python3");
        final Path file = written(new CellTableWriter().write(SITE, FEATURES, ROWS, EMBEDDINGS));
        final Path outFile = tmp.resolve("pandas.txt");
        final String script = String.join("\n",
            "import sys, pyarrow.parquet as pq",
            "t = pq.read_table(sys.argv[1])",
            "df = t.to_pandas()",
            "md = t.schema.metadata",
            "print(len(df))",
            "print(repr(float(df['nucleus_area'].mean())))",
            "print(int(df['nucleus_area'].isna().sum()))",
            "print(','.join(df.columns))",
            "print(md[b'phenostream.analysis_id'].decode())");
        final Process p = new ProcessBuilder(python.toString(), "-c", script, file.toString())
            .redirectErrorStream(true).redirectOutput(outFile.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python did not finish");
        final List<String> lines = Files.readAllLines(outFile);
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        assertEquals("4", lines.get(0));
        assertEquals(400.0 / 3, Double.parseDouble(lines.get(1)));
        assertEquals("1", lines.get(2));
        assertEquals("analysis_id,experiment_id,plate_id,run_id,well,site,cell,nucleus_area,dna_nucleus_mean,"
            + "dna_nuc_cyto_ratio,emb_0,emb_1", lines.get(3));
        assertEquals("a-0123456789abcdef", lines.get(4));
    }

    private static int exitCode(final String... command) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
