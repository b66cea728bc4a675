package io.phenostream.extractor.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Per-cell features of shapes drawn straight into label and intensity arrays, against hand-computed values.
 * Perimeter estimator (see ObjectOutline): Vossepoel-Smeulders weighted chain through boundary pixel centres
 * plus pi; on digital discs it is within 3.5% of 2 pi r from r = 10 and within 1.5% from r = 20.
 */
class CellFeatureGeometryTest {

    private static final int SIZE = 120;

    /** Pixel-centre membership test of a shape. */
    private interface Shape {
        boolean contains(double x, double y);
    }

    private static Shape disc(final double cx, final double cy, final double r) {
        return (x, y) -> (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
    }

    /** Ellipse with half-axis a along {@code degrees}, b across it. */
    private static Shape ellipse(final double cx, final double cy, final double a, final double b,
                                 final double degrees) {
        final double cos = Math.cos(Math.toRadians(degrees));
        final double sin = Math.sin(Math.toRadians(degrees));
        return (x, y) -> {
            final double u = (x - cx) * cos + (y - cy) * sin;
            final double v = -(x - cx) * sin + (y - cy) * cos;
            return u * u / (a * a) + v * v / (b * b) <= 1;
        };
    }

    private static Shape rectangle(final int x0, final int y0, final int w, final int h) {
        return (x, y) -> x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;
    }

    private static int[] labels(final Shape shape) {
        final int[] labels = new int[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                labels[y * SIZE + x] = shape.contains(x, y) ? 1 : 0;
            }
        }
        return labels;
    }

    private static int count(final int[] labels) {
        int n = 0;
        for (final int l : labels) {
            n += l;
        }
        return n;
    }

    /** Features of one nucleus and its cell, with channels "dna" (nuclear) and optionally "gfp". */
    private static Measured measure(final int[] nucleus, final int[] cell, final float[] dna, final float[] gfp) {
        OpenCvLoader.ensureLoaded();
        try (MatScope scope = new MatScope()) {
            final CellFeatureCalculator.Channel dnaChannel = new CellFeatureCalculator.Channel("dna", dna);
            final List<CellFeatureCalculator.Channel> channels = gfp == null ? List.of(dnaChannel)
                : List.of(dnaChannel, new CellFeatureCalculator.Channel("gfp", gfp));
            final CellFeatureCalculator calculator = new CellFeatureCalculator(channels, dnaChannel);
            final Mat image = scope.track(new Mat(SIZE, SIZE, CvType.CV_32F));
            image.put(0, 0, dna);
            final double[][] rows = calculator.measure(LabelImage.of(nucleus, 1, SIZE, SIZE, scope),
                LabelImage.of(cell, 1, SIZE, SIZE, scope), image, scope);
            assertEquals(1, rows.length);
            return new Measured(calculator.featureNames(), rows[0]);
        }
    }

    private static Measured shapeOnly(final Shape nucleus, final Shape cell) {
        final float[] flat = new float[SIZE * SIZE];
        java.util.Arrays.fill(flat, 0.5f);
        return measure(labels(nucleus), labels(cell), flat, null);
    }

    private record Measured(List<String> names, double[] row) {
        double get(final String name) {
            final int column = names.indexOf(name);
            assertTrue(column >= 0, "no feature " + name);
            return row[column];
        }
    }

    @Test
    void discOfRadiusTwentyHasDiscGeometry() {
        final double r = 20;
        final Shape nucleus = disc(60.3, 59.7, r);
        final Measured m = shapeOnly(nucleus, disc(60.3, 59.7, 35));
        assertEquals(count(labels(nucleus)), m.get("nucleus_area"));
        assertEquals(Math.PI * r * r, m.get("nucleus_area"), 0.01 * Math.PI * r * r);
        assertEquals(2 * Math.PI * r, m.get("nucleus_perimeter"), 0.02 * 2 * Math.PI * r);
        assertEquals(1.0, m.get("nucleus_form_factor"), 0.04);
        // Off-centre digital discs are not exactly round: sqrt(1 - l2/l1) turns l2/l1 = 0.986 into 0.12.
        assertEquals(0.0, m.get("nucleus_eccentricity"), 0.15);
        assertEquals(1.0, m.get("nucleus_solidity"), 1e-9);
        // The cell: a disc of radius 35 around the nucleus.
        assertEquals(Math.PI * 35 * 35, m.get("cell_area"), 0.01 * Math.PI * 35 * 35);
        assertEquals(2 * Math.PI * 35, m.get("cell_perimeter"), 0.02 * 2 * Math.PI * 35);
        assertEquals(1.0, m.get("cell_form_factor"), 0.04);
        assertEquals(0.0, m.get("cell_eccentricity"), 0.15);
        assertEquals(1.0, m.get("cell_solidity"), 1e-9);
    }

    @Test
    void discCentredOnAPixelHasZeroEccentricity() {
        // Four-fold symmetry: equal variances along x and y and no covariance.
        final Measured m = shapeOnly(disc(60, 60, 15), disc(60, 60, 15));
        assertEquals(0.0, m.get("nucleus_eccentricity"), 1e-6);
    }

    @Test
    void smallDiscPerimeterIsWithinFivePercent() {
        for (final double offset : new double[] {0, 0.3, 0.5}) {
            final double r = 10;
            final Measured m = shapeOnly(disc(60 + offset, 60 + offset, r), disc(60 + offset, 60 + offset, r));
            assertEquals(2 * Math.PI * r, m.get("nucleus_perimeter"), 0.05 * 2 * Math.PI * r, "offset " + offset);
            assertEquals(1.0, m.get("nucleus_form_factor"), 0.08, "offset " + offset);
        }
    }

    @Test
    void rotatedEllipseHasEccentricityOfItsAxes() {
        final double a = 40;
        final double b = 16;
        final Shape shape = ellipse(60.2, 60.4, a, b, 30);
        final Measured m = shapeOnly(shape, shape);
        assertEquals(Math.sqrt(1 - b * b / (a * a)), m.get("nucleus_eccentricity"), 0.005);
        assertEquals(Math.PI * a * b, m.get("nucleus_area"), 0.01 * Math.PI * a * b);
        assertEquals(1.0, m.get("nucleus_solidity"), 0.005);
        // Ramanujan's second approximation of the ellipse's circumference.
        final double h = Math.pow((a - b) / (a + b), 2);
        final double p = Math.PI * (a + b) * (1 + 3 * h / (10 + Math.sqrt(4 - 3 * h)));
        assertEquals(p, m.get("nucleus_perimeter"), 0.03 * p);
        assertEquals(4 * Math.PI * Math.PI * a * b / (p * p), m.get("nucleus_form_factor"), 0.04);
    }

    @Test
    void rectangleHasExactAreaEccentricityAndSolidity() {
        final int w = 40;
        final int h = 20;
        final Measured m = shapeOnly(rectangle(30, 40, w, h), rectangle(30, 40, w, h));
        assertEquals(w * h, m.get("nucleus_area"));
        // Covariance of a uniform w x h pixel grid: (w^2 - 1) / 12 and (h^2 - 1) / 12.
        assertEquals(Math.sqrt(1 - (h * h - 1.0) / (w * w - 1.0)), m.get("nucleus_eccentricity"), 1e-9);
        assertEquals(1.0, m.get("nucleus_solidity"), 1e-12);
        // The chain estimator gives 0.98 * 2 (w - 1 + h - 1) - 4 * 0.091 + pi; the true outline is 2 (w + h).
        assertEquals(0.98 * 2 * (w - 1 + h - 1) - 4 * 0.091 + Math.PI, m.get("nucleus_perimeter"), 1e-9);
        assertEquals(2 * (w + h), m.get("nucleus_perimeter"), 0.04 * 2 * (w + h));
    }

    @Test
    void squareHasFormFactorPiOverFour() {
        final int s = 50;
        final Measured m = shapeOnly(rectangle(30, 30, s, s), rectangle(30, 30, s, s));
        // The estimator gives 3.92 s - 1.14 for the outline, 2.6% short of 4 s, so the form factor is 5% high.
        final double perimeter = 0.98 * 4 * (s - 1) - 4 * 0.091 + Math.PI;
        assertEquals(4 * Math.PI * s * s / (perimeter * perimeter), m.get("nucleus_form_factor"), 1e-9);
        assertEquals(Math.PI / 4, m.get("nucleus_form_factor"), 0.05);
        assertEquals(0.0, m.get("nucleus_eccentricity"), 1e-9);
    }

    @Test
    void concaveCrossHasLowSolidity() {
        // A plus sign of two 60 x 12 bars: area 2 * 720 - 144; its hull is an octagon of 60 x 60 minus four
        // corner triangles with legs 24.
        final Shape cross = (x, y) -> rectangle(30, 54, 60, 12).contains(x, y)
            || rectangle(54, 30, 12, 60).contains(x, y);
        final Measured m = shapeOnly(cross, cross);
        assertEquals(2 * 720 - 144, m.get("nucleus_area"));
        final double hull = 60 * 60 - 4 * (24 * 24 / 2.0);
        assertEquals((2 * 720 - 144) / hull, m.get("nucleus_solidity"), 0.03);
    }

    @Test
    void intensitiesPerCompartmentAndRatioAreExact() {
        final int[] nucleus = labels(disc(60, 60, 12));
        final int[] cell = labels(disc(60, 60, 30));
        final float inside = 200f / 255;
        final float outside = 50f / 255;
        final float[] gfp = new float[SIZE * SIZE];
        final float[] dna = new float[SIZE * SIZE];
        int nucleusArea = 0;
        int cytoplasmArea = 0;
        for (int i = 0; i < gfp.length; i++) {
            if (nucleus[i] > 0) {
                gfp[i] = inside;
                dna[i] = 0.6f;
                nucleusArea++;
            } else if (cell[i] > 0) {
                gfp[i] = outside;
                dna[i] = 0.1f;
                cytoplasmArea++;
            } else {
                gfp[i] = 0.01f;
            }
        }
        final Measured m = measure(nucleus, cell, dna, gfp);
        assertEquals(4.0, m.get("gfp_nuc_cyto_ratio"), 1e-12);
        assertEquals(inside, m.get("gfp_nucleus_mean"), 1e-7);
        assertEquals(inside, m.get("gfp_nucleus_median"), 1e-7);
        assertEquals(nucleusArea * (double) inside, m.get("gfp_nucleus_integrated"), 1e-6);
        assertEquals(outside, m.get("gfp_cytoplasm_mean"), 1e-7);
        assertEquals(outside, m.get("gfp_cytoplasm_median"), 1e-7);
        assertEquals(cytoplasmArea * (double) outside, m.get("gfp_cytoplasm_integrated"), 1e-6);
        final double cellIntegrated = nucleusArea * (double) inside + cytoplasmArea * (double) outside;
        assertEquals(cellIntegrated, m.get("gfp_cell_integrated"), 1e-6);
        assertEquals(cellIntegrated / (nucleusArea + cytoplasmArea), m.get("gfp_cell_mean"), 1e-7);
        // Most of the cell is cytoplasm, so its median is the cytoplasm value.
        assertTrue(cytoplasmArea > nucleusArea);
        assertEquals(outside, m.get("gfp_cell_median"), 1e-7);
        assertEquals(0.6, m.get("dna_nucleus_mean"), 1e-6);
        assertEquals(0.0, m.get("dna_nucleus_sd"), 1e-6);
    }

    @Test
    void cellMedianMergesNucleusAndCytoplasmValues() {
        // Nucleus = 3 pixels (values 0.1, 0.2, 0.9), cytoplasm = 2 pixels (0.3, 0.4): cell median 0.3,
        // nucleus median 0.2, cytoplasm median 0.35.
        final int[] nucleus = new int[SIZE * SIZE];
        final int[] cell = new int[SIZE * SIZE];
        final float[] dna = new float[SIZE * SIZE];
        final float[] values = {0.1f, 0.9f, 0.2f, 0.4f, 0.3f};
        for (int k = 0; k < 5; k++) {
            final int i = 60 * SIZE + 58 + k;
            cell[i] = 1;
            nucleus[i] = k < 3 ? 1 : 0;
            dna[i] = values[k];
        }
        final Measured m = measure(nucleus, cell, dna, null);
        assertEquals(0.2f, m.get("dna_nucleus_median"), 1e-7);
        assertEquals(0.35, m.get("dna_cytoplasm_median"), 1e-7);
        assertEquals(0.3f, m.get("dna_cell_median"), 1e-7);
    }

    /** 20 x 20 nucleus whose DNA pixels follow {@code pattern}. */
    private static Measured texture(final java.util.function.BiFunction<Integer, Integer, Float> pattern) {
        final int[] nucleus = labels(rectangle(50, 50, 20, 20));
        final float[] dna = new float[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                dna[y * SIZE + x] = nucleus[y * SIZE + x] > 0 ? pattern.apply(x, y) : 0.05f;
            }
        }
        return measure(nucleus, nucleus, dna, null);
    }

    @Test
    void flatNucleusHasNoTexture() {
        final Measured m = texture((x, y) -> 0.5f);
        assertEquals(0.0, m.get("dna_nucleus_texture_contrast"), 1e-12);
        assertEquals(1.0, m.get("dna_nucleus_texture_homogeneity"), 1e-12);
        assertEquals(0.0, m.get("dna_nucleus_texture_entropy"), 1e-12);
        assertEquals(1.0, m.get("dna_nucleus_texture_asm"), 1e-12);
    }

    @Test
    void checkerboardNucleusHasHandComputedTexture() {
        // Levels 0 and 7 alternate: horizontal and vertical neighbours always differ by 7 (contrast 49, IDM 1/50,
        // two equally likely cells -> entropy 1 bit, ASM 1/2); diagonal neighbours never differ (contrast 0,
        // IDM 1, and (0,0) vs (7,7) pairs 181:180 -> entropy ~1 bit, ASM ~1/2). Averaged over 4 directions.
        final Measured m = texture((x, y) -> (x + y) % 2 == 0 ? 0.8f : 0.2f);
        assertEquals((49 + 49 + 0 + 0) / 4.0, m.get("dna_nucleus_texture_contrast"), 1e-9);
        assertEquals((1 / 50.0 + 1 / 50.0 + 1 + 1) / 4, m.get("dna_nucleus_texture_homogeneity"), 1e-9);
        assertEquals(1.0, m.get("dna_nucleus_texture_entropy"), 1e-4);
        assertEquals(0.5, m.get("dna_nucleus_texture_asm"), 1e-4);
    }

    @Test
    void verticalStripesDifferAlongThreeOfFourDirections() {
        // Stripes one pixel wide: only vertical neighbours are equal, so contrast = 3 * 49 / 4.
        final Measured m = texture((x, y) -> x % 2 == 0 ? 0.8f : 0.2f);
        assertEquals(3 * 49 / 4.0, m.get("dna_nucleus_texture_contrast"), 1e-9);
    }
}
