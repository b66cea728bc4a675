package io.phenostream.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phenostream.extractor.WorkerAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker benchmark's arithmetic and options, against hand-computed values. */
class ExtractorReportTest {

    private static ExtractorReport.Round round(final int number, final long workerNanos, final long bareNanos) {
        // 10 sites and 500 cells through the worker; the bare loop does the same 10 sites with 500 cells
        return new ExtractorReport.Round(number, true, 10, 500, workerNanos,
            new BareSiteLoop.Timing(10, 500, bareNanos, 0, 0, List.of()),
            new BareModelLoop.Timing(2000, 32, 1_000_000_000L));
    }

    @Test
    void roundRatiosAreWorkerOverBareAndCellsOverModelCrops() {
        final ExtractorReport.Round r = round(1, 2_000_000_000L, 1_000_000_000L);
        assertEquals(5.0, r.workerSitesPerSecond(), 1e-12);
        assertEquals(250.0, r.workerCellsPerSecond(), 1e-12);
        assertEquals(10.0, r.bare().sitesPerSecond(), 1e-12);
        assertEquals(0.5, r.efficiency(), 1e-12);
        assertEquals(2000.0, r.model().cropsPerSecond(), 1e-12);
        assertEquals(0.125, r.modelShare(), 1e-12);
    }

    @Test
    void medianOfAnEvenCountAveragesTheMiddleTwo() {
        // efficiencies 0.5, 0.25, 1.0, 2/3 -> sorted 0.25, 0.5, 0.667, 1.0 -> (0.5 + 0.667) / 2
        final List<ExtractorReport.Round> rounds = List.of(round(1, 2_000_000_000L, 1_000_000_000L),
            round(2, 4_000_000_000L, 1_000_000_000L), round(3, 1_000_000_000L, 1_000_000_000L),
            round(4, 3_000_000_000L, 2_000_000_000L));
        assertEquals((0.5 + 2.0 / 3) / 2, ExtractorReport.median(rounds, ExtractorReport.Round::efficiency), 1e-12);
        final String table = ExtractorReport.roundsTable(rounds);
        assertTrue(table.contains("| **median** |"), table);
        assertTrue(table.contains("**0.58**"), table);
    }

    @Test
    void stageSharesComeFromTheTimerIncrementsOfTheMeasuredPassOnly() {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final Timer fetch = Timer.builder(WorkerAccess.STAGE_TIMER).tag("stage", "fetch").register(registry);
        final Timer analyze = Timer.builder(WorkerAccess.STAGE_TIMER).tag("stage", "analyze").register(registry);
        analyze.record(Duration.ofSeconds(100)); // warm-up: must not count
        final ExtractorReport.MeterSnapshot before = ExtractorReport.MeterSnapshot.take(registry);
        fetch.record(Duration.ofMillis(1000));
        analyze.record(Duration.ofMillis(2000));
        analyze.record(Duration.ofMillis(4000));
        final ExtractorReport.MeterSnapshot pass = ExtractorReport.MeterSnapshot.take(registry).minus(before);
        // fetch: 1 site, 1000 ms, 1/7 of 7 s; analyze: 2 sites, 3000 ms mean, 6/7; stages never timed stay 0
        final String table = ExtractorReport.stageTable(ExtractorReport.MeterSnapshot.empty().plus(pass));
        assertTrue(table.contains("| fetch | 1 | 1000.00 | 14.3 % |"), table);
        assertTrue(table.contains("| analyze | 2 | 3000.00 | 85.7 % |"), table);
        assertTrue(table.contains("| embed | 0 | 0.00 | 0.0 % |"), table);
        assertEquals(WorkerAccess.stages(), List.copyOf(pass.stages().keySet()));
    }

    @Test
    void optionsParseOverDefaultsAndRefuseAModelWithoutItsName() {
        final ExtractorHarnessOptions d = ExtractorHarnessOptions.parse(new String[0]);
        assertEquals(ExtractorHarnessOptions.defaults(), d);
        assertNull(d.modelsDir());
        final ExtractorHarnessOptions o = ExtractorHarnessOptions.parse(new String[] {"--wells", "384", "--sites", "1",
            "--size", "256", "--models", "/m", "--model", "cellemb/2", "--keep"});
        assertEquals(384, o.wells());
        assertEquals(256, o.size());
        assertEquals(Path.of("/m"), o.modelsDir());
        assertEquals("cellemb/2", o.model());
        assertTrue(o.keep());
        assertThrows(IllegalArgumentException.class,
            () -> ExtractorHarnessOptions.parse(new String[] {"--models", "/m"}));
        assertThrows(IllegalArgumentException.class,
            () -> ExtractorHarnessOptions.parse(new String[] {"--wells", "100"}));
        assertThrows(IllegalArgumentException.class,
            () -> ExtractorHarnessOptions.parse(new String[] {"--rounds"}));
    }
}
