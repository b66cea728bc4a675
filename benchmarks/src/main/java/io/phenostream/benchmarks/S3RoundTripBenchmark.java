package io.phenostream.benchmarks;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.extractor.CellTableSite;
import io.phenostream.extractor.CellTableStore;
import io.phenostream.extractor.CellTableWriter;
import io.phenostream.extractor.SiteProcessor;
import io.phenostream.extractor.analysis.SiteAnalysis;
import io.phenostream.extractor.analysis.SiteAnalyzer;
import io.phenostream.infra.EmbeddedS3;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * S3 round trips against the embedded S3Proxy of local mode ({@link EmbeddedS3}, filesystem backend, started in
 * setup), through the services' own client ({@link S3ClientFactory}: AWS SDK v2, URL-connection HTTP, path
 * style). Client and server share this JVM and its cores, as in the pipeline harness.
 * <ul>
 *   <li>{@code fetchSite}: the extractor's fetch of one site ({@link SiteProcessor#fetch}: 3 GETs of the 16-bit
 *       TIFFs of a synthetic site, each checked against its sha256);</li>
 *   <li>{@code head}: one HEAD of an image key ({@link ObjectStore#exists}, as the ingest does per image);</li>
 *   <li>{@code putCellTable}: the extractor's upload of one site's per-cell Parquet table
 *       ({@link CellTableStore#upload}), the real table of the same site (no embedding).</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar S3RoundTrip}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class S3RoundTripBenchmark {

    @Param({"256", "512"})
    int imageSize;

    Path dataDir;
    EmbeddedS3 s3;
    ObjectStore store;
    SiteProcessor processor;
    ImageSet set;
    CellTableStore tables;
    CellTableSite tableSite;
    byte[] parquet;

    @Setup
    public void setUp() throws IOException {
        dataDir = Files.createTempDirectory("s3-round-trip-bench-");
        final PhenoConfig base = PhenoConfig.load(null);
        s3 = new EmbeddedS3(dataDir.resolve("s3"), base);
        s3.start();
        final PhenoConfig config = base.with(ConfigKey.S3_ENDPOINT, s3.endpoint()).with(ConfigKey.S3_PATH_STYLE, "true");
        store = new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET));
        store.ensureBucket();

        final Map<String, byte[]> images = SyntheticSiteImages.site(imageSize, 1);
        final List<ImageRef> refs = new ArrayList<>();
        for (final Map.Entry<String, byte[]> e : images.entrySet()) {
            refs.add(store.putImage(e.getKey(), "A01_s0_" + e.getKey() + ".tif", e.getValue()));
        }
        set = new ImageSet(ImageSet.SCHEMA_VERSION, SyntheticScreenRecords.ANALYSIS_ID, SyntheticScreenRecords.ANALYSIS,
            "BENCH", "P1", "r1", WellId.parse("A01"), 0, refs, SyntheticSiteImages.NUCLEAR, SyntheticSiteImages.CELL,
            "2026-11-27T00:00:00Z");
        processor = new SiteProcessor(store);

        final SiteAnalysis analysis = new SiteAnalyzer(ExtractionParameters.defaults()).analyze(images,
            SyntheticSiteImages.NUCLEAR, SyntheticSiteImages.CELL);
        tableSite = new CellTableSite(SyntheticScreenRecords.ANALYSIS_ID, null, "BENCH", "P1", "r1",
            WellId.parse("A01"), 0);
        final CellTableWriter writer = new CellTableWriter();
        parquet = writer.write(tableSite, analysis.featureNames(), analysis.cellFeatures(), null, 0);
        tables = new CellTableStore(store, writer);
        System.out.printf("%n[S3RoundTrip] %d px: images %s bytes, cell table %d bytes (%d cells)%n", imageSize,
            refs.stream().map(r -> Long.toString(r.sizeBytes())).toList(), parquet.length, analysis.cellCount());
    }

    @TearDown
    public void tearDown() {
        if (store != null) {
            store.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (dataDir != null) {
            IngestThroughputHarness.deleteRecursively(dataDir);
        }
    }

    @Benchmark
    public Map<String, byte[]> fetchSite() {
        return processor.fetch(set);
    }

    @Benchmark
    public boolean head() {
        return store.exists(set.images().get(0).key());
    }

    @Benchmark
    public String putCellTable() {
        return tables.upload(tableSite, parquet);
    }
}
