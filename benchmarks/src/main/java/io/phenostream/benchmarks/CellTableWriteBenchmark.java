package io.phenostream.benchmarks;

import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.extractor.CellTableSite;
import io.phenostream.extractor.CellTableWriter;
import io.phenostream.extractor.analysis.SiteAnalysis;
import io.phenostream.extractor.analysis.SiteAnalyzer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU part of the extractor's store stage: one site's per-cell table encoded as Parquet (the default
 * compression, as the worker writes it before the S3 PUT), from a real analysis of a synthetic site, with no
 * embedding ({@code dim 0}) or with a 192-float embedding per cell ({@code cellembed/2}'s size). The S3 PUT and
 * the masks' PUT are not included. Run: {@code java -jar benchmarks/target/benchmarks.jar CellTableWrite}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CellTableWriteBenchmark {

    @Param({"256", "512"})
    int imageSize;

    @Param({"0", "192"})
    int embeddingDim;

    CellTableWriter writer;
    CellTableSite site;
    SiteAnalysis analysis;
    float[][] embeddings;

    @Setup(Level.Trial)
    public void setUp() {
        analysis = new SiteAnalyzer(ExtractionParameters.defaults()).analyze(SyntheticSiteImages.site(imageSize, 1),
            SyntheticSiteImages.NUCLEAR, SyntheticSiteImages.CELL);
        final AnalysisSpec spec = AnalysisSpec.classicalDefaults();
        site = new CellTableSite(spec.analysisId(), null, "BENCH", "P1", "r1", WellId.parse("A01"), 0);
        writer = new CellTableWriter();
        final Random random = new Random(1);
        embeddings = embeddingDim == 0 ? null : new float[analysis.cellCount()][embeddingDim];
        if (embeddings != null) {
            for (final float[] e : embeddings) {
                for (int i = 0; i < e.length; i++) {
                    e[i] = (float) random.nextGaussian();
                }
            }
        }
        System.out.printf("%n[CellTableWrite] %d px site: %d cells x %d features, embedding %d: %d bytes%n",
            imageSize, analysis.cellCount(), analysis.featureNames().size(), embeddingDim, write().length);
    }

    @Benchmark
    public byte[] write() {
        return writer.write(site, analysis.featureNames(), analysis.cellFeatures(), embeddings, embeddingDim);
    }
}
