package io.phenostream.extractor.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.synth.SiteTruth;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlate;
import io.phenostream.common.synth.SyntheticPlateGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/** Illumination functions: flattening a vignetted synthetic plate, identity before enough sites, storage, threads. */
class IlluminationCorrectionTest {

    private static final int SIZE = 256;
    private static final int BOX = 40;

    @TempDir
    static Path plateDir;
    static SyntheticPlate plate;

    @BeforeAll
    static void generate() {
        OpenCvLoader.ensureLoaded();
        plate = new SyntheticPlateGenerator(1).generate(SynthOptions.defaults().withLayout(PlateLayout.WELLS_96)
            .withSitesPerWell(1).withImageSize(SIZE), plateDir);
    }

    /** Mean CellMask intensity of cell pixels (truth labels) in the centre box and in the four corner boxes. */
    private static double[] centreAndCorner(final float[] image, final short[] cells, final double[] acc) {
        final int lo = SIZE / 2 - BOX / 2;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                final int p = y * SIZE + x;
                if (cells[p] == 0) {
                    continue;
                }
                final boolean centre = x >= lo && x < lo + BOX && y >= lo && y < lo + BOX;
                final boolean corner = (x < BOX || x >= SIZE - BOX) && (y < BOX || y >= SIZE - BOX);
                if (centre) {
                    acc[0] += image[p];
                    acc[1]++;
                } else if (corner) {
                    acc[2] += image[p];
                    acc[3]++;
                }
            }
        }
        return acc;
    }

    private static short[] labels(final Path path) throws IOException {
        try (MatScope scope = new MatScope()) {
            final Mat m = scope.track(org.opencv.imgcodecs.Imgcodecs.imdecode(
                scope.track(new org.opencv.core.MatOfByte(Files.readAllBytes(path))),
                org.opencv.imgcodecs.Imgcodecs.IMREAD_UNCHANGED));
            final short[] out = new short[(int) m.total()];
            m.get(0, 0, out);
            return out;
        }
    }

    @Test
    void correctedPlateIsFlatWhereTheRawOneIsVignetted() throws IOException {
        final List<SiteTruth> sites = plate.sites().stream().filter(SiteTruth::inFocus).toList();
        // Estimate from half the sites (replay mode: all of them first), measure on the other half.
        final IlluminationEstimator estimator = new IlluminationEstimator();
        for (int i = 0; i < sites.size(); i += 2) {
            final SiteTruth s = sites.get(i);
            estimator.addSite("run-1", "CellMask", s.well() + "/" + s.site(),
                Files.readAllBytes(plate.imagePath(s.well(), s.site(), SynthFiles.CELL_MASK)));
        }
        final IlluminationFunction function = estimator.complete("run-1", "CellMask");
        assertFalse(function.isIdentity());
        assertEquals((sites.size() + 1) / 2, function.sitesUsed());
        final double[] raw = new double[4];
        final double[] corrected = new double[4];
        for (int i = 1; i < sites.size(); i += 2) {
            final SiteTruth s = sites.get(i);
            final short[] cells = labels(plate.cellLabelPath(s.well(), s.site()));
            try (MatScope scope = new MatScope()) {
                final Mat image = ChannelDecoder.decode("CellMask",
                    Files.readAllBytes(plate.imagePath(s.well(), s.site(), SynthFiles.CELL_MASK)), scope);
                final float[] before = new float[SIZE * SIZE];
                image.get(0, 0, before);
                final float[] after = new float[SIZE * SIZE];
                estimator.current("run-1", "CellMask").apply(image, scope).get(0, 0, after);
                centreAndCorner(before, cells, raw);
                centreAndCorner(after, cells, corrected);
            }
        }
        final double rawRatio = (raw[0] / raw[1]) / (raw[2] / raw[3]);
        final double correctedRatio = (corrected[0] / corrected[1]) / (corrected[2] / corrected[3]);
        // The synthetic vignette falls ~30% to the corners (less in the boxes' average).
        assertTrue(rawRatio > 1.2, "raw centre/corner ratio " + rawRatio);
        assertEquals(1.0, correctedRatio, 0.05, "corrected centre/corner ratio (raw " + rawRatio + ")");
        // Mean 1: the overall level is kept, the centre dimmed and the corners brightened.
        final float[] full = function.toImage(SIZE, SIZE);
        double sum = 0;
        for (final float v : full) {
            sum += v;
        }
        assertEquals(1.0, sum / full.length, 0.02);
        assertEquals(rawRatio, full[(SIZE / 2) * SIZE + SIZE / 2] / full[5 * SIZE + 5], 0.12);
    }

    private static Mat flat(final double value) {
        return new Mat(64, 48, CvType.CV_32FC1, new Scalar(value));
    }

    /** A synthetic site: brighter on the left, with a site-dependent offset. */
    private static Mat ramp(final int site) {
        final Mat m = new Mat(64, 48, CvType.CV_32FC1);
        final float[] v = new float[64 * 48];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.2 + 0.4 * (47 - i % 48) / 47.0 + 0.01 * (site % 7));
        }
        m.put(0, 0, v);
        return m;
    }

    @Test
    void identityUntilMinSitesThenAnEstimate() {
        final IlluminationEstimator estimator = new IlluminationEstimator(8, 4);
        for (int s = 0; s < 7; s++) {
            final Mat image = ramp(s);
            final IlluminationFunction f = estimator.addSite("run", "GFP", "A01/" + s, image);
            image.release();
            assertTrue(f.isIdentity());
            assertEquals(IlluminationFunction.IDENTITY_ID, f.id());
            assertEquals(s + 1, f.sitesUsed());
        }
        // A re-delivered site does not count.
        final Mat again = ramp(0);
        assertEquals(7, estimator.addSite("run", "GFP", "A01/0", again).sitesUsed());
        again.release();
        final Mat eighth = ramp(7);
        final IlluminationFunction f = estimator.addSite("run", "GFP", "A01/7", eighth);
        eighth.release();
        assertFalse(f.isIdentity());
        assertEquals(8, f.sitesUsed());
        assertTrue(f.id().matches("illum-[0-9a-f]{12}"), f.id());
        assertEquals(f, estimator.current("run", "GFP"));
        // Brighter on the left => larger function there, smaller on the right, mean 1 (the ramp's left/right
        // intensity ratio is ~3, softened by the heavy smoothing).
        final float[] full = f.toImage(48, 64);
        assertTrue(full[32 * 48 + 2] > 1.2, "left " + full[32 * 48 + 2]);
        assertTrue(full[32 * 48 + 47] < 0.8, "right " + full[32 * 48 + 47]);
        assertTrue(full[32 * 48 + 2] / full[32 * 48 + 47] > 1.5, "left/right");
        // Other runs and channels are independent.
        assertTrue(estimator.current("run", "DNA").isIdentity());
        assertTrue(estimator.current("other", "GFP").isIdentity());
    }

    @Test
    void uniformSitesGiveAFlatFunctionThatChangesNothing() {
        final IlluminationAccumulator accumulator = new IlluminationAccumulator("GFP");
        for (int s = 0; s < 10; s++) {
            final Mat image = flat(0.3);
            accumulator.add("s" + s, image);
            image.release();
        }
        final IlluminationFunction f = accumulator.estimate();
        for (final float v : f.toImage(48, 64)) {
            assertEquals(1.0, v, 1e-5);
        }
        try (MatScope scope = new MatScope()) {
            final Mat image = scope.track(flat(0.3));
            final float[] out = new float[48 * 64];
            f.apply(image, scope).get(0, 0, out);
            assertEquals(0.3, out[100], 1e-6);
            final Mat wrongSize = scope.track(new Mat(10, 10, CvType.CV_32FC1, new Scalar(1)));
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.apply(wrongSize, scope));
            assertTrue(e.getMessage().contains("48x64") && e.getMessage().contains("10x10"), e.getMessage());
        }
        final Mat otherSize = new Mat(10, 10, CvType.CV_32FC1, new Scalar(1));
        final ImageDecodeException e = assertThrows(ImageDecodeException.class,
            () -> accumulator.add("other", otherSize));
        otherSize.release();
        assertEquals("GFP", e.channel());
    }

    @Test
    void serializationRoundTrip() {
        final IlluminationAccumulator accumulator = new IlluminationAccumulator("GFP");
        for (int s = 0; s < 9; s++) {
            final Mat image = ramp(s);
            accumulator.add("s" + s, image);
            image.release();
        }
        final IlluminationFunction f = accumulator.estimate();
        final IlluminationFunction back = IlluminationFunction.fromBytes(f.toBytes());
        assertEquals(f, back);
        assertEquals(f.id(), back.id());
        assertEquals(9, back.sitesUsed());
        assertArrayEquals(f.toImage(48, 64), back.toImage(48, 64));
        final IlluminationFunction identity = IlluminationFunction.fromBytes(IlluminationFunction.identity(3).toBytes());
        assertTrue(identity.isIdentity());
        assertEquals(3, identity.sitesUsed());
        // Different estimates have different ids.
        final Mat tenth = flat(0.9);
        accumulator.add("s9", tenth);
        tenth.release();
        assertNotEquals(f.id(), accumulator.estimate().id());
        final byte[] bytes = f.toBytes();
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> IlluminationFunction.fromBytes(java.util.Arrays.copyOf(bytes, bytes.length - 4)));
        assertTrue(e.getMessage().contains("bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IlluminationFunction.fromBytes(new byte[40]));
        // Installed on replay, a stored function is what the run uses.
        final IlluminationEstimator estimator = new IlluminationEstimator();
        estimator.install("run", "GFP", back);
        assertEquals(f.id(), estimator.current("run", "GFP").id());
    }

    @Test
    void concurrentSitesAreEachCountedOnce() throws Exception {
        final IlluminationEstimator estimator = new IlluminationEstimator(8, 8);
        final IlluminationAccumulator sequential = new IlluminationAccumulator("GFP");
        for (int s = 0; s < 100; s++) {
            final Mat image = ramp(s);
            sequential.add("site-" + s, image);
            image.release();
        }
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int thread = t;
                futures.add(pool.submit(() -> {
                    // Every thread offers every site (re-deliveries), in a different order.
                    for (int k = 0; k < 100; k++) {
                        final int s = (k * (thread + 1) * 37 + thread) % 100;
                        final Mat image = ramp(s);
                        estimator.addSite("run", "GFP", "site-" + s, image);
                        image.release();
                    }
                }));
            }
            for (final Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        final IlluminationFunction concurrent = estimator.complete("run", "GFP");
        assertEquals(100, concurrent.sitesUsed());
        assertArrayEquals(sequential.estimate().toImage(48, 64), concurrent.toImage(48, 64), 1e-5f);
    }

    @Test
    void leastRecentlyUsedRunsAreEvicted() {
        final IlluminationEstimator estimator = new IlluminationEstimator(1, 2);
        for (final String run : List.of("r1", "r2", "r3")) {
            final Mat image = ramp(1);
            estimator.addSite(run, "GFP", "s", image);
            image.release();
        }
        assertEquals(2, estimator.size());
        assertTrue(estimator.current("r1", "GFP").isIdentity());
        assertEquals(0, estimator.current("r1", "GFP").sitesUsed());
        assertEquals(1, estimator.current("r3", "GFP").sitesUsed());
        estimator.evictRun("r3");
        assertEquals(1, estimator.size());
    }
}
