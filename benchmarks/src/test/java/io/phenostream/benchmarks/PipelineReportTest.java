package io.phenostream.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The pipeline harness's arithmetic, options and plots, against hand-computed values. */
class PipelineReportTest {

    private static PipelineSampler.Progress at(final double seconds, final double sites, final double cells) {
        return new PipelineSampler.Progress((long) (seconds * 1e9), sites, cells);
    }

    @Test
    void steadyRateSpansTenToNinetyPercentOfTheBurst() {
        // 100 sites from a counter that stood at 50: 10 % done (60) at 2 s, 90 % (140) at 10 s
        final List<PipelineSampler.Progress> samples = List.of(at(0, 50, 0), at(1, 55, 100), at(2, 60, 400),
            at(6, 100, 2000), at(10, 140, 3600), at(12, 150, 4000));
        final double[] rate = PipelineSampler.steadyRate(samples, 100);
        assertEquals(80 / 8.0, rate[0], 1e-9);
        assertEquals(3200 / 8.0, rate[1], 1e-9);
    }

    @Test
    void steadyRateIsNaNWithoutEnoughSamples() {
        assertTrue(Double.isNaN(PipelineSampler.steadyRate(List.of(at(0, 0, 0), at(1, 100, 0)), 100)[0]));
        // never reached 90 %
        assertTrue(Double.isNaN(PipelineSampler.steadyRate(List.of(at(0, 0, 0), at(1, 20, 0), at(2, 50, 0)),
            100)[0]));
    }

    @Test
    void extractorDoneIsTheFirstSampleWithThePlatesSites() {
        final List<PipelineSampler.Progress> samples = List.of(at(0, 10, 0), at(1, 50, 0), at(2, 105, 0),
            at(3, 106, 0));
        assertEquals(2_000_000_000L, PipelineBenchmarkHarness.doneAt(samples, 95));
        assertEquals(0, PipelineBenchmarkHarness.doneAt(samples, 97));
    }

    @Test
    void medianPercentileAndFitMatchHandComputedValues() {
        assertEquals(2.5, PipelineReport.median(new double[] {4, 1, 3, 2}), 1e-12);
        assertEquals(3, PipelineReport.median(new double[] {5, 3, 1}), 1e-12);
        // nearest rank: ceil(0.95 * 10) = 10th of 10 -> the largest; ceil(0.5 * 10) = 5th
        final double[] ten = {10, 1, 9, 2, 8, 3, 7, 4, 6, 5};
        assertEquals(10, PipelineReport.percentile(ten, 0.95), 1e-12);
        assertEquals(5, PipelineReport.percentile(ten, 0.5), 1e-12);
        // y = 2 + 3x exactly
        assertArrayEquals(new double[] {2, 3, 1}, PipelineReport.linearFit(new double[] {0, 1, 2, 3},
            new double[] {2, 5, 8, 11}), 1e-12);
        // x 1..4, y 1, 3, 2, 4 (means 2.5): sxy = 2.25 - 0.25 - 0.25 + 2.25 = 4, sxx = syy = 5,
        // so b = 0.8, a = 2.5 - 0.8 * 2.5 = 0.5, R^2 = 4^2 / (5 * 5) = 0.64
        assertArrayEquals(new double[] {0.5, 0.8, 0.64}, PipelineReport.linearFit(new double[] {1, 2, 3, 4},
            new double[] {1, 3, 2, 4}), 1e-12);
    }

    @Test
    void optionsDefaultsLargeAnd384() {
        final PipelineHarnessOptions d = PipelineHarnessOptions.parse(new String[0]);
        assertEquals(PipelineHarnessOptions.defaults(), d);
        assertEquals(2, d.mainThreads());
        assertTrue(d.with384(), "a 384-well plate at 256 px by default");
        final PipelineHarnessOptions large = PipelineHarnessOptions.parse(new String[] {"--plates", "3", "--large"});
        assertEquals(512, large.size());
        assertEquals(2, large.sites());
        assertEquals(3, large.plates());
        assertTrue(large.with384());
        assertFalse(PipelineHarnessOptions.parse(new String[] {"--size", "512"}).with384(),
            "no 384-well plate at 512 px without a flag");
        assertTrue(PipelineHarnessOptions.parse(new String[] {"--size", "512", "--384"}).with384());
        assertFalse(PipelineHarnessOptions.parse(new String[] {"--no-384"}).with384());
        assertEquals(List.of(1, 2, 4), PipelineHarnessOptions.parse(new String[] {"--threads", "1,2,4"}).threads());
        assertEquals(4, PipelineHarnessOptions.parse(new String[] {"--threads", "1,4,2"}).mainThreads());
        assertThrows(IllegalArgumentException.class, () -> PipelineHarnessOptions.parse(new String[] {"--threads",
            "0"}));
        assertThrows(IllegalArgumentException.class, () -> PipelineHarnessOptions.parse(new String[] {"--bogus",
            "1"}));
        assertThrows(IllegalArgumentException.class, () -> PipelineHarnessOptions.parse(new String[] {"--model",
            "cellembed"}));
    }

    @Test
    void threadsAreGroupedByTheNamesTheServicesGiveThem() {
        assertEquals(ThreadCpuTracker.ANALYSIS, ThreadCpuTracker.group("extractor-cpu-extractor-1-2"));
        assertEquals(ThreadCpuTracker.IO, ThreadCpuTracker.group("extractor-io-extractor-1-1"));
        assertEquals(ThreadCpuTracker.EMBED, ThreadCpuTracker.group("embedder-cellembed-0"));
        assertEquals(ThreadCpuTracker.INGEST, ThreadCpuTracker.group("ingest-upload"));
        assertEquals(ThreadCpuTracker.SCORER,
            ThreadCpuTracker.group("phenostream-scorer-3f2a-StreamThread-1"));
        assertEquals(ThreadCpuTracker.SINK, ThreadCpuTracker.group("results-sink"));
        assertEquals(ThreadCpuTracker.CLIENTS,
            ThreadCpuTracker.group("kafka-producer-network-thread | extractor-1"));
        assertEquals(ThreadCpuTracker.BROKER, ThreadCpuTracker.group("data-plane-kafka-request-handler-3"));
        assertEquals(ThreadCpuTracker.S3, ThreadCpuTracker.group("qtp1234567-42"));
        assertEquals(ThreadCpuTracker.HARNESS, ThreadCpuTracker.group("bench-sampler"));
        assertEquals(ThreadCpuTracker.OTHER, ThreadCpuTracker.group("Finalizer"));
        assertEquals(ThreadCpuTracker.GC, ThreadCpuTracker.jvmGroup("GC Thread#0"));
        assertEquals(ThreadCpuTracker.GC, ThreadCpuTracker.jvmGroup("G1 Conc#0"));
        assertEquals(ThreadCpuTracker.JIT, ThreadCpuTracker.jvmGroup("C2 CompilerThre"));
        assertEquals(null, ThreadCpuTracker.jvmGroup("extractor-cpu-e"));
    }

    @Test
    void trackerSplitsAllOfTheProcessCpuIntoGroups() {
        final ThreadCpuTracker tracker = new ThreadCpuTracker();
        final ThreadCpuTracker.Totals a = tracker.totals();
        long x = 0;
        for (int i = 0; i < 5_000_000; i++) {
            x += i % 7;
        }
        final ThreadCpuTracker.Totals d = tracker.totals().minus(a);
        assertTrue(x > 0);
        assertEquals(d.processNanos(), d.byGroup().values().stream().mapToLong(Long::longValue).sum(),
            "the groups, NATIVE included, add up to the process's CPU");
        assertTrue(d.nanos(ThreadCpuTracker.INGEST) + d.nanos(ThreadCpuTracker.OTHER) > 0,
            "this test's own thread spent CPU");
    }

    @Test
    void plotsAreWellFormedSvgWithOneMarkPerValue() throws Exception {
        final String bars = SvgCharts.bars("t", "sites/s", List.of("1 thread", "2 threads"),
            List.of("pipeline", "bare"), new double[][] {{5, 9}, {6, Double.NaN}});
        final Document doc = parse(bars);
        // frame + background + 3 bars + 2 legend swatches
        assertEquals(7, doc.getElementsByTagName("rect").getLength());
        final String points = SvgCharts.points("t", "x", "y", List.of(
            SvgCharts.Series.points("a", new double[] {1, 2, 3}, new double[] {1, 2, 3}),
            SvgCharts.Series.dashed("b", new double[] {1, 3}, new double[] {2, 2})));
        final Document p = parse(points);
        assertEquals(3, p.getElementsByTagName("circle").getLength());
        assertEquals(1, p.getElementsByTagName("path").getLength());
        assertArrayEquals(new double[] {0, 2, 4, 6, 8, 10, 12}, SvgCharts.ticks(0, 11.2), 1e-12);
        assertArrayEquals(new double[] {1, 2}, SvgCharts.integerTicks(1, 2), 1e-12);
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot;", SvgCharts.esc("a <b> & \"c\""));
    }

    @Test
    void procFsReadsThisJvmAndFindsNoPostgresWhereThereIsNone() throws Exception {
        final Path empty = Files.createTempDirectory("no-postgres-");
        try {
            assertEquals(ProcFs.Postgres.NONE, ProcFs.postgres(empty));
        } finally {
            Files.delete(empty);
        }
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            final ProcFs.Rss rss = ProcFs.jvmRss();
            assertTrue(rss.current() > 1_000_000 && rss.peak() >= rss.current(), rss.toString());
        }
    }

    private static Document parse(final String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
