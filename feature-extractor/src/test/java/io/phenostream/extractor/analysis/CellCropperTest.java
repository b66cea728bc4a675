package io.phenostream.extractor.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Crop placement, normalisation (per crop, per site, fixed, none), border padding and channel order of {@link CellCropper}. */
class CellCropperTest {

    private static final int W = 100;
    private static final int H = 80;

    /** Nuclei as w x h rectangles given by {x, y, w, h}; label k + 1 for rectangle k. */
    private static LabelImage nuclei(final MatScope scope, final int[]... boxes) {
        final int[] labels = new int[W * H];
        for (int k = 0; k < boxes.length; k++) {
            final int[] b = boxes[k];
            for (int y = b[1]; y < b[1] + b[3]; y++) {
                for (int x = b[0]; x < b[0] + b[2]; x++) {
                    labels[y * W + x] = k + 1;
                }
            }
        }
        OpenCvLoader.ensureLoaded();
        return LabelImage.of(labels, boxes.length, W, H, scope);
    }

    private static float[] image(final java.util.function.IntBinaryOperator value) {
        final float[] pixels = new float[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                pixels[y * W + x] = value.applyAsInt(x, y) / 1000f;
            }
        }
        return pixels;
    }

    @Test
    void cropIsCentredOnTheNucleusCentroid() {
        try (MatScope scope = new MatScope()) {
            // A 5 x 5 nucleus covering x 28..32, y 38..42: centroid (30, 40).
            final LabelImage nuclei = nuclei(scope, new int[] {28, 38, 5, 5});
            final double[][] centroids = CellCropper.centroids(nuclei);
            assertEquals(30.0, centroids[0][0], 1e-12);
            assertEquals(40.0, centroids[1][0], 1e-12);
            final float[] dna = image((x, y) -> x >= 28 && x <= 32 && y >= 38 && y <= 42 ? 900 : 100);
            final CellCrops crops = new CellCropper(17, 1, 99).crop(Map.of("dna", dna), List.of("dna"), nuclei);
            assertEquals(1, crops.count());
            assertFalse(crops.padded()[0]);
            // The centroid lands at (8, 8) of a 17 x 17 crop, so the bright square covers 6..10 on both axes.
            for (int y = 0; y < 17; y++) {
                for (int x = 0; x < 17; x++) {
                    final boolean inside = x >= 6 && x <= 10 && y >= 6 && y <= 10;
                    assertEquals(inside ? 1f : 0f, crops.at(0, 0, y, x), "at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void normalisationMapsRobustPercentilesToZeroAndOne() {
        // A 10 x 10 crop of values k = 0..99 (row-major): the 1st percentile is 0.99 and the 99th is 98.01
        // (linear between ranks), so k maps to (k - 0.99) / 97.02, clipped to [0,1].
        final float[] ramp = image((x, y) -> x >= 50 && x < 60 && y >= 30 && y < 40 ? (x - 50) + 10 * (y - 30) : 0);
        final CellCrops crops = new CellCropper(10, 1, 99)
            .crop(Map.of("dna", ramp), List.of("dna"), W, H, new double[] {55}, new double[] {35});
        for (int k = 0; k < 100; k++) {
            final double expected = Math.min(1, Math.max(0, (k / 1000.0 - 0.00099) / 0.09702));
            assertEquals(expected, crops.at(0, 0, k / 10, k % 10), 1e-5, "k=" + k);
        }
        assertEquals(0f, crops.at(0, 0, 0, 0));
        assertEquals(1f, crops.at(0, 0, 9, 9));
        assertEquals((0.050 - 0.00099) / 0.09702, crops.at(0, 0, 5, 0), 1e-5);
    }

    @Test
    void flatChannelBecomesZero() {
        final float[] flat = image((x, y) -> 300);
        final CellCrops crops = new CellCropper(8, 1, 99)
            .crop(Map.of("dna", flat), List.of("dna"), W, H, new double[] {40}, new double[] {40});
        for (final float v : crops.crops()[0]) {
            assertEquals(0f, v);
        }
    }

    @Test
    void cropsCrossingTheBorderAreZeroPaddedAndFlagged() {
        try (MatScope scope = new MatScope()) {
            // Nucleus 1 at (3, 3) near the corner, nucleus 2 in the middle.
            final LabelImage nuclei = nuclei(scope, new int[] {2, 2, 3, 3}, new int[] {49, 39, 3, 3});
            final float[] dna = image((x, y) -> 100 + x + y);
            final CellCrops crops = new CellCropper(16, 0, 100).crop(Map.of("dna", dna), List.of("dna"), nuclei);
            assertArrayEquals(new boolean[] {true, false}, crops.padded());
            assertEquals(1, crops.paddedCount());
            // Crop 1 starts at (3 - 8, 3 - 8) = (-5, -5): rows and columns 0..4 are outside the image.
            for (int i = 0; i < 16; i++) {
                for (int j = 0; j < 5; j++) {
                    assertEquals(0f, crops.at(0, 0, j, i));
                    assertEquals(0f, crops.at(0, 0, i, j));
                }
            }
            // Inside, min..max normalisation (percentiles 0 and 100) over in-image pixels x, y in 0..10:
            // v = (x + y) / 20, with pixel (x, y) at crop (y + 5, x + 5).
            assertEquals(0f, crops.at(0, 0, 5, 5));
            assertEquals(1f, crops.at(0, 0, 15, 15));
            assertEquals(0.5f, crops.at(0, 0, 10, 10), 1e-6);
            assertEquals(0.25f, crops.at(0, 0, 5, 10), 1e-6);
        }
    }

    @Test
    void channelsFollowTheGivenOrderInChwLayout() {
        try (MatScope scope = new MatScope()) {
            final LabelImage nuclei = nuclei(scope, new int[] {30, 30, 3, 3}, new int[] {60, 40, 3, 3});
            // "across" rises along x, "down" along y; min..max normalisation over a 16 x 16 window.
            final float[] across = image((x, y) -> x);
            final float[] down = image((x, y) -> y);
            final CellCrops crops = new CellCropper(16, 0, 100)
                .crop(Map.of("across", across, "down", down), List.of("down", "across"), nuclei);
            assertEquals(List.of("down", "across"), crops.channelNames());
            assertArrayEquals(new long[] {2, 2, 16, 16}, crops.shape());
            for (int cell = 0; cell < 2; cell++) {
                assertEquals(0f, crops.at(cell, 0, 0, 15));
                assertEquals(1f, crops.at(cell, 0, 15, 0));
                assertEquals(1f, crops.at(cell, 1, 0, 15));
                assertEquals(0f, crops.at(cell, 1, 15, 0));
                assertEquals(7 / 15f, crops.at(cell, 0, 7, 3), 1e-6);
            }
            final float[] batch = crops.batch();
            assertEquals(2 * 2 * 16 * 16, batch.length);
            assertEquals(crops.at(1, 1, 3, 9), batch[((1 * 2 + 1) * 16 + 3) * 16 + 9]);
            assertEquals(crops.at(0, 0, 7, 3), batch[(0 * 16 + 7) * 16 + 3]);
        }
    }

    @Test
    void defaultsAreSixtyFourPixelsAndClearErrorsNameTheInput() {
        assertEquals(64, new CellCropper().size());
        final CellCropper cropper = new CellCropper();
        final float[] dna = new float[W * H];
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> cropper.crop(Map.of("dna", dna), List.of("dna", "actin"), W, H, new double[] {5}, new double[] {5}));
        assertTrue(missing.getMessage().contains("'actin'"), missing.getMessage());
        final IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
            () -> cropper.crop(Map.of("dna", new float[10]), List.of("dna"), W, H, new double[] {5}, new double[] {5}));
        assertTrue(size.getMessage().contains("'dna'") && size.getMessage().contains("100x80"), size.getMessage());
        final IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
            () -> cropper.crop(Map.of("dna", dna), List.of("dna"), W, H, new double[] {5, 120}, new double[] {5, 5}));
        assertTrue(outside.getMessage().contains("crop 1"), outside.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CellCropper(0, 1, 99));
        assertThrows(IllegalArgumentException.class, () -> new CellCropper(64, 99, 1));
    }

    @Test
    void perSiteNormalisationScalesEveryCropByTheWholeImagesPercentiles() {
        // The image is 0.1 everywhere except a 10 x 10 block of 0.2 and a 2 x 2 block of 0.4: 8000 pixels, 100 at
        // 0.2, 4 at 0.4. The 1st percentile is 0.1; the 99th sits at rank 0.99 * 7999 = 7919.01 of the sorted values,
        // inside the 0.2 block (ranks 7896..7995), so lo = 0.1 and hi = 0.2 for every crop. A crop holding only the
        // dim block keeps it at 1, one holding the bright block clips it at 1 and its background at 0.
        final float[] dna = image((x, y) -> x >= 10 && x < 20 && y >= 10 && y < 20 ? 200
            : x >= 70 && x < 72 && y >= 50 && y < 52 ? 400 : 100);
        final CellCropper cropper = new CellCropper(8, CropNormalization.parse("per-site p1-p99: whole image"));
        final CellCrops crops = cropper.crop(Map.of("dna", dna), List.of("dna"), W, H,
            new double[] {15, 71, 40}, new double[] {15, 51, 40});
        for (final float v : crops.crops()[0]) {
            assertEquals(1f, v, 1e-6, "inside the dim block: (0.2 - 0.1) / (0.2 - 0.1)");
        }
        assertEquals(1f, crops.at(1, 0, 4, 4), 1e-6);
        assertEquals(0f, crops.at(1, 0, 0, 0), 1e-6);
        for (final float v : crops.crops()[2]) {
            assertEquals(0f, v, 1e-6, "plain background is lo");
        }
        // The per-crop default stretches the same dim block crop differently: it is flat there, so all zero.
        final CellCrops perCrop = new CellCropper(8, 1, 99).crop(Map.of("dna", dna), List.of("dna"), W, H,
            new double[] {15}, new double[] {15});
        assertEquals(0f, perCrop.at(0, 0, 4, 4));
    }

    @Test
    void fixedNormalisationKeepsAbsoluteBrightnessAndNoneKeepsRawValues() {
        final float[] dna = image((x, y) -> 10 * x + y); // values (10x + y) / 1000
        final double[] cx = {30, 60};
        final double[] cy = {20, 40};
        final CellCrops fixed = new CellCropper(6, CropNormalization.parse("fixed 0.1-0.5: counts"))
            .crop(Map.of("dna", dna), List.of("dna"), W, H, cx, cy);
        final CellCrops raw = new CellCropper(6, CropNormalization.parse("none: raw floats"))
            .crop(Map.of("dna", dna), List.of("dna"), W, H, cx, cy);
        for (int cell = 0; cell < 2; cell++) {
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 6; x++) {
                    final int px = (int) cx[cell] - 3 + x;
                    final int py = (int) cy[cell] - 3 + y;
                    final double v = (10 * px + py) / 1000.0;
                    assertEquals(Math.min(1, Math.max(0, (v - 0.1) / 0.4)), fixed.at(cell, 0, y, x), 1e-6);
                    assertEquals(v, raw.at(cell, 0, y, x), 1e-6);
                }
            }
        }
        // Cell 0 (values 0.287..0.342) and cell 1 (0.607..0.662, clipped to 1) differ in level, not only in shape.
        assertEquals((0.287 - 0.1) / 0.4, fixed.at(0, 0, 0, 0), 1e-6);
        assertEquals(1f, fixed.at(1, 0, 0, 0));
    }

    @Test
    void normalizationTextsOfModelsAreReadOrRefused() {
        assertEquals(CropNormalization.PER_CROP_DEFAULT, CropNormalization.parse("CellCropper: per crop and channel, "
            + "(v - p1) / (p99 - p1) clipped to [0,1]; absent role = all-zero channel"), "cellembed/1's wording");
        assertEquals(CropNormalization.PER_CROP_DEFAULT, CropNormalization.parse(null));
        assertEquals(new CropNormalization(CropNormalization.Scope.CROP, 2, 98), CropNormalization.parse("per-crop p2-p98"));
        assertEquals(new CropNormalization(CropNormalization.Scope.SITE, 0.5, 99.9),
            CropNormalization.parse("per-site p0.5-p99.9: per site and channel"));
        assertEquals(new CropNormalization(CropNormalization.Scope.FIXED, 0, 0.125),
            CropNormalization.parse("fixed 0-0.125: CellCropper, every crop"));
        assertEquals(CropNormalization.NONE, CropNormalization.parse("none: test fixture, fed raw floats"));
        assertEquals("fixed 0-0.125", CropNormalization.parse("fixed 0-0.125: x").id());
        assertEquals("per-site p0.5-p99.9", CropNormalization.parse("per-site p0.5-p99.9").id());
        for (final String bad : new String[] {"z-score per plate: mean 0, sd 1", "per-crop p99-p1", "fixed 1-1",
            "per-crop p1-p101"}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CropNormalization.parse(bad), bad);
            assertTrue(e.getMessage().contains("normalization") || e.getMessage().contains("need"), e.getMessage());
        }
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> CellCropper.forModel(40, "z-score per plate: mean 0, sd 1"));
        assertTrue(unknown.getMessage().contains("Unknown crop normalization 'z-score per plate'")
            && unknown.getMessage().contains("per-site pLO-pHI"), unknown.getMessage());
    }

    @Test
    void selectedPercentilesEqualTheSortedOnes() {
        final java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        for (final int n : new int[] {1, 2, 3, 10, 257, 4096}) {
            for (final int distinct : new int[] {1, 3, 1000}) {
                final float[] values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = rng.nextInt(distinct) * 0.5f;
                }
                final float[] sorted = values.clone();
                java.util.Arrays.sort(sorted);
                for (final double p : new double[] {0, 1, 37.5, 50, 99, 100}) {
                    final float[] work = values.clone();
                    assertEquals(CellCropper.percentile(sorted, n, p), CellCropper.selectPercentile(work, n, p), 0.0,
                        "n=" + n + " distinct=" + distinct + " p=" + p);
                }
            }
        }
    }
}
