package io.phenostream.benchmarks;

import io.phenostream.common.synth.SynthPlateDesign;
import io.phenostream.scorer.stats.FourParameterLogistic;
import java.util.Random;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The 4PL dose-response fit of one compound (Levenberg-Marquardt from three starts plus the F-test against a flat
 * line), as {@code ExperimentScorer} runs it per compound: {@code fitWithBottom} (bottom fixed at 0, the scorer's
 * usual case: the compound axis, where negatives are 0) and {@code fit} (all four parameters, the activity-score
 * fallback). Data: the synthetic
 * screen's 6 doses (30 uM down in 1:3 steps) in duplicate, 12 points, readout noise 0.05. Shapes: {@code sigmoid}
 * (EC50 1 uM, Hill 1.5, 0 to 1: an identified curve), {@code partial} (EC50 30 uM: the top is not reached, the
 * fit ends on a bound) and {@code flat} (noise only: the F-test rejects the curve).
 * Run: {@code java -jar benchmarks/target/benchmarks.jar DoseResponseFit}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DoseResponseFitBenchmark {

    @Param({"sigmoid", "partial", "flat"})
    String shape;

    double[] logDose;
    double[] readout;

    @Setup
    public void setUp() {
        final Random rnd = new Random(7);
        final int n = SynthPlateDesign.DOSES_UM.size() * SynthPlateDesign.REPLICATES;
        logDose = new double[n];
        readout = new double[n];
        final double logEc50 = "partial".equals(shape) ? Math.log10(30.0) : 0.0;
        final double top = "flat".equals(shape) ? 0.0 : 1.0;
        for (int i = 0; i < n; i++) {
            logDose[i] = Math.log10(SynthPlateDesign.DOSES_UM.get(i / SynthPlateDesign.REPLICATES));
            readout[i] = FourParameterLogistic.value(logDose[i], 0.0, top, logEc50, 1.5) + 0.05 * rnd.nextGaussian();
        }
        System.out.printf("%n[DoseResponseFit] %s: %s%n", shape, FourParameterLogistic.fit(logDose, readout));
    }

    @Benchmark
    public FourParameterLogistic.Fit fit() {
        return FourParameterLogistic.fit(logDose, readout);
    }

    @Benchmark
    public FourParameterLogistic.Fit fitWithBottom() {
        return FourParameterLogistic.fitWithBottom(logDose, readout, 0.0);
    }
}
