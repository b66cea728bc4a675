package io.phenostream.extractor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.extractor.analysis.SiteMasks;
import io.phenostream.infra.EmbeddedS3;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Cell tables in the embedded S3 server (S3Proxy behind the AWS SDK, as in production): the URI and key, the
 * bytes and values read back, a re-delivered site overwriting its own object, a new analysis writing beside
 * it, and a clear error when S3 is out of reach. Only S3 is started: the store needs no Kafka or database.
 */
@Tag("integration")
@Timeout(120)
class CellTableStoreIT {

    @TempDir
    static Path tmp;

    private static EmbeddedS3 s3;
    private static PhenoConfig config;
    private static ObjectStore objects;

    @BeforeAll
    static void start() {
        final PhenoConfig defaults = PhenoConfig.defaults().with(ConfigKey.S3_BUCKET, "cells-it");
        s3 = new EmbeddedS3(tmp.resolve("s3"), defaults);
        s3.start();
        config = defaults.with(ConfigKey.S3_ENDPOINT, s3.endpoint()).with(ConfigKey.S3_PATH_STYLE, "true");
        objects = new ObjectStore(S3ClientFactory.create(config), "cells-it");
        objects.ensureBucket();
    }

    @AfterAll
    static void stop() {
        if (objects != null) {
            objects.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private static List<String> keysUnder(final String prefix) {
        return objects.client().listObjectsV2Paginator(b -> b.bucket("cells-it").prefix(prefix)).contents().stream()
            .map(S3Object::key).sorted().toList();
    }

    private static Path download(final String uri) throws Exception {
        final URI u = URI.create(uri);
        assertEquals("s3", u.getScheme());
        final byte[] bytes = objects.get(u.getHost(), u.getPath().substring(1));
        return Files.write(Files.createTempFile(tmp, "download", ".parquet"), bytes);
    }

    @Test
    void storesAtTheSiteKeyAndReadsBack() throws Exception {
        final CellTableWriter writer = new CellTableWriter();
        final CellTableStore store = new CellTableStore(objects, writer);
        final CellTableSite site = new CellTableSite("a-store1", "f00dcafe", "EXP-1", "PLATE_7", "run1", WellId.parse("B03"), 2);

        final String uri = store.put(site, CellTableWriterTest.FEATURES, CellTableWriterTest.ROWS, CellTableWriterTest.EMBEDDINGS);

        assertEquals("s3://cells-it/cells/a-store1/EXP-1/PLATE_7/run1/B03-2.parquet", uri);
        final Path file = download(uri);
        assertArrayEquals(writer.write(site, CellTableWriterTest.FEATURES, CellTableWriterTest.ROWS,
            CellTableWriterTest.EMBEDDINGS), Files.readAllBytes(file));
        final HeadObjectResponse head = objects.client().headObject(b -> b.bucket("cells-it").key(site.objectKey()));
        assertEquals(CellTableStore.CONTENT_TYPE, head.contentType());
        assertEquals(ObjectStore.sha256(Files.readAllBytes(file)), head.metadata().get("sha256"));
        try (ParquetQuery q = new ParquetQuery()) {
            final Map<String, Object> r = q.single("SELECT count(*) AS n, avg(nucleus_area) AS mean_area FROM read_parquet(?)", file);
            assertEquals(4L, ((Number) r.get("n")).longValue());
            assertEquals(400.0 / 3, (Double) r.get("mean_area"));
            assertEquals("f00dcafe", q.keyValueMetadata(file).get(CellTableWriter.META_MODEL_SHA256));
        }
    }

    @Test
    void redeliveredSiteOverwritesAndNewAnalysisWritesBeside() throws Exception {
        final CellTableStore store = new CellTableStore(objects, new CellTableWriter());
        final CellTableSite first = new CellTableSite("a-redo1", null, "EXP-2", "P2", "r1", WellId.parse("H12"), 1);
        final List<String> names = List.of("nucleus_area");

        final String uri1 = store.put(first, names, new double[][] {{10}, {20}, {30}}, null);
        // the same site again (a redelivery after a worker crash), measured slightly differently
        final String uri2 = store.put(first, names, new double[][] {{11}, {21}}, null);
        assertEquals(uri1, uri2);
        assertEquals(List.of("cells/a-redo1/EXP-2/P2/r1/H12-1.parquet"), keysUnder("cells/a-redo1/"));
        try (ParquetQuery q = new ParquetQuery()) {
            final Map<String, Object> r = q.single("SELECT count(*) AS n, sum(nucleus_area) AS s FROM read_parquet(?)", download(uri2));
            assertEquals(2L, ((Number) r.get("n")).longValue());
            assertEquals(32.0, (Double) r.get("s"));
        }

        // a replay under another analysis id lands beside the old file, not over it
        final CellTableSite replay = new CellTableSite("a-redo2", "newmodel", "EXP-2", "P2", "r1", WellId.parse("H12"), 1);
        final String uri3 = store.put(replay, names, new double[][] {{5}}, new float[][] {{1f, 2f}});
        assertEquals("s3://cells-it/cells/a-redo2/EXP-2/P2/r1/H12-1.parquet", uri3);
        assertEquals(List.of("cells/a-redo1/EXP-2/P2/r1/H12-1.parquet"), keysUnder("cells/a-redo1/"));
        assertEquals(List.of("cells/a-redo2/EXP-2/P2/r1/H12-1.parquet"), keysUnder("cells/a-redo2/"));
    }

    @Test
    void labelImagesGoBesideTheTable() throws Exception {
        final CellTableStore store = new CellTableStore(objects, new CellTableWriter());
        final CellTableSite site = new CellTableSite("a-masks", null, "EXP-3", "P3", "r1", WellId.parse("C04"), 3);
        final byte[] png = {1, 2, 3, 4, 5};

        final Map<String, String> uris = store.uploadMasks(site, new SiteMasks(png));

        assertEquals(Map.of("nuclei-over-cells", "s3://cells-it/cells/a-masks/EXP-3/P3/r1/C04-3.nuclei-over-cells.png"),
            uris);
        assertArrayEquals(png, objects.get("cells-it", "cells/a-masks/EXP-3/P3/r1/C04-3.nuclei-over-cells.png"));
        final HeadObjectResponse head = objects.client().headObject(b -> b.bucket("cells-it")
            .key("cells/a-masks/EXP-3/P3/r1/C04-3.nuclei-over-cells.png"));
        assertEquals(CellTableStore.MASK_CONTENT_TYPE, head.contentType());
        assertEquals(ObjectStore.sha256(png), head.metadata().get("sha256"));
        assertEquals(site.siteKey(), head.metadata().get("site-key"));
        assertEquals(Map.of(), store.uploadMasks(site, null), "no masks, nothing stored");
        assertEquals(1, keysUnder("cells/a-masks/").size(), "one object for both label images");
    }

    @Test
    void unreachableS3NamesTheSiteAndObject() {
        final PhenoConfig nowhere = config.with(ConfigKey.S3_ENDPOINT, "http://127.0.0.1:1");
        try (ObjectStore down = new ObjectStore(S3ClientFactory.create(nowhere), "cells-it")) {
            final CellTableStore store = new CellTableStore(down, new CellTableWriter());
            final CellTableSite site = new CellTableSite("a-down", null, "E", "P", "R", WellId.parse("A01"), 1);
            final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> store.put(site, List.of("x"), new double[][] {{1}}, null));
            assertTrue(e.getMessage().contains("E/P/R/A01/1")
                && e.getMessage().contains("s3://cells-it/cells/a-down/E/P/R/A01-1.parquet"), e.getMessage());
        }
    }
}
