package io.phenostream.benchmarks;

import io.phenostream.extractor.analysis.AnalysisStages;
import java.util.concurrent.TimeUnit;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;
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
 * Decoding one channel image to [0,1] floats as the extractor does (OpenCV {@code imdecodemulti}, header
 * checks, scaling by the bit depth): the synthetic DNA channel as the 16-bit uncompressed TIFF the synthesizer
 * writes, and the same pixels re-encoded as a 16-bit PNG (deflate, so decoding also inflates).
 * Run: {@code java -jar benchmarks/target/benchmarks.jar ImageDecode}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ImageDecodeBenchmark {

    @Param({"256", "512"})
    int imageSize;

    @Param({"tiff16", "png16"})
    String format;

    byte[] encoded;

    @Setup
    public void setUp() {
        final byte[] tiff = SyntheticSiteImages.site(imageSize, 1).get(SyntheticSiteImages.NUCLEAR);
        encoded = "tiff16".equals(format) ? tiff : png16(tiff);
    }

    /** The TIFF's 16-bit pixels as a PNG (OpenCV's default compression level). */
    private static byte[] png16(final byte[] tiff) {
        try (AnalysisStages.Scope scope = new AnalysisStages.Scope()) {
            AnalysisStages.decode("check", tiff, scope); // loads OpenCV
        }
        final Mat raw = Imgcodecs.imdecode(new MatOfByte(tiff), Imgcodecs.IMREAD_UNCHANGED);
        final MatOfByte png = new MatOfByte();
        try {
            if (raw.depth() != org.opencv.core.CvType.CV_16U || !Imgcodecs.imencode(".png", raw, png, new MatOfInt())) {
                throw new IllegalStateException("Cannot re-encode the synthetic TIFF as a 16-bit PNG");
            }
            return png.toArray();
        } finally {
            raw.release();
            png.release();
        }
    }

    @Benchmark
    public double decode() {
        try (AnalysisStages.Scope scope = new AnalysisStages.Scope()) {
            final Mat pixels = AnalysisStages.decode("DNA", encoded, scope);
            return pixels.get(0, 0)[0]; // keeps the decode from being optimised away
        }
    }
}
