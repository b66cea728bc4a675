package io.phenostream.extractor.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/**
 * Per-cell features from the nucleus and cell label images (names and definitions: the Features table of
 * ANALYSIS.md). Intensity statistics and texture come from one pass over the label arrays per channel (sums,
 * values bucketed by label for medians, co-occurrence counts), never from a mask per cell; only the outline
 * features (perimeter, convex hull) look at each nucleus and cell, inside its bounding box.
 */
final class CellFeatureCalculator {

    /** A channel's feature prefix (lowercase snake_case) and its [0,1] pixels. */
    record Channel(String prefix, float[] pixels) {
    }

    private final List<Channel> channels;
    private final Channel nuclear;
    private final List<String> featureNames;

    /** @param channels all channels in feature order; {@code nuclear} is one of them */
    CellFeatureCalculator(final List<Channel> channels, final Channel nuclear) {
        this.channels = List.copyOf(channels);
        this.nuclear = nuclear;
        this.featureNames = List.copyOf(names(this.channels, nuclear));
    }

    static List<String> names(final List<Channel> channels, final Channel nuclear) {
        final List<String> names = new ArrayList<>(List.of("nucleus_area", "nucleus_perimeter",
            "nucleus_form_factor", "nucleus_eccentricity", "nucleus_solidity", "cell_area"));
        for (final Channel c : channels) {
            for (final String suffix : List.of("nucleus_mean", "nucleus_median", "nucleus_integrated",
                "cytoplasm_mean", "cytoplasm_median", "cell_mean")) {
                names.add(c.prefix() + "_" + suffix);
            }
        }
        for (final Channel c : channels) {
            if (c != nuclear) {
                names.add(c.prefix() + "_nuc_cyto_ratio");
            }
        }
        names.add(nuclear.prefix() + "_nucleus_sd");
        names.add(nuclear.prefix() + "_nucleus_gradient_mean");
        // Appended after the original columns so that existing column positions do not move.
        names.addAll(List.of("cell_perimeter", "cell_form_factor", "cell_eccentricity", "cell_solidity"));
        for (final Channel c : channels) {
            for (final String suffix : List.of("cytoplasm_integrated", "cell_median", "cell_integrated")) {
                names.add(c.prefix() + "_" + suffix);
            }
        }
        for (final Channel c : channels) {
            for (final String suffix : List.of("contrast", "homogeneity", "entropy", "asm")) {
                names.add(c.prefix() + "_nucleus_texture_" + suffix);
            }
        }
        return names;
    }

    List<String> featureNames() {
        return featureNames;
    }

    /** Lowercase snake_case prefix for a channel name ("Cell Mask" -> "cell_mask"). */
    static String prefix(final String channel) {
        final String snake = channel.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
            .replaceAll("^_+|_+$", "");
        return snake.isEmpty() ? "channel" : snake;
    }

    double[][] measure(final LabelImage nuclei, final LabelImage cells, final Mat nuclearImage,
                       final MatScope scope) {
        final int count = nuclei.count();
        if (count == 0) {
            return new double[0][];
        }
        final Regions regions = Regions.of(nuclei, cells);
        final double[][] rows = new double[count][featureNames.size()];
        final ObjectOutline outline = new ObjectOutline(nuclei.mat());
        for (int label = 1; label <= count; label++) {
            final double[] row = rows[label - 1];
            final int area = regions.nucleusArea[label];
            final ObjectOutline.Shape shape = outline.measure(label, regions.nuclei.boundingBox(label));
            row[0] = area;
            row[1] = shape.perimeter();
            row[2] = formFactor(area, shape);
            row[3] = regions.nuclei.eccentricity(label);
            row[4] = solidity(area, shape);
            row[5] = regions.cellArea[label];
        }

        int column = 6;
        final double[][] nucleusMeans = new double[channels.size()][];
        final double[][] cytoplasmMeans = new double[channels.size()][];
        final List<Intensities> intensities = new ArrayList<>();
        for (int c = 0; c < channels.size(); c++) {
            final Intensities stats = Intensities.of(channels.get(c).pixels(), regions);
            intensities.add(stats);
            nucleusMeans[c] = stats.nucleusMean;
            cytoplasmMeans[c] = stats.cytoplasmMean;
            for (int label = 1; label <= count; label++) {
                final double[] row = rows[label - 1];
                row[column] = stats.nucleusMean[label];
                row[column + 1] = stats.nucleusMedian[label];
                row[column + 2] = stats.nucleusSum[label];
                row[column + 3] = stats.cytoplasmMean[label];
                row[column + 4] = stats.cytoplasmMedian[label];
                row[column + 5] = stats.cellMean[label];
            }
            column += 6;
        }
        for (int c = 0; c < channels.size(); c++) {
            if (channels.get(c) == nuclear) {
                continue;
            }
            for (int label = 1; label <= count; label++) {
                final double cyto = cytoplasmMeans[c][label];
                rows[label - 1][column] = cyto > 0 ? nucleusMeans[c][label] / cyto : Double.NaN;
            }
            column++;
        }
        final double[] sd = regions.nucleusSd(nuclear.pixels());
        final double[] gradient = regions.nucleusMean(gradientMagnitude(nuclearImage, scope));
        for (int label = 1; label <= count; label++) {
            rows[label - 1][column] = sd[label];
            rows[label - 1][column + 1] = gradient[label];
        }
        column += 2;

        final ObjectOutline cellOutline = new ObjectOutline(cells.mat());
        for (int label = 1; label <= count; label++) {
            final double[] row = rows[label - 1];
            final int area = regions.cellArea[label];
            if (area == 0) {
                Arrays.fill(row, column, column + 4, Double.NaN);
                continue;
            }
            final ObjectOutline.Shape shape = cellOutline.measure(label, regions.cells.boundingBox(label));
            row[column] = shape.perimeter();
            row[column + 1] = formFactor(area, shape);
            row[column + 2] = regions.cells.eccentricity(label);
            row[column + 3] = solidity(area, shape);
        }
        column += 4;
        for (final Intensities stats : intensities) {
            for (int label = 1; label <= count; label++) {
                final double[] row = rows[label - 1];
                row[column] = stats.cytoplasmSum[label];
                row[column + 1] = stats.cellMedian[label];
                row[column + 2] = stats.nucleusSum[label] + stats.cytoplasmSum[label];
            }
            column += 3;
        }
        for (final Channel channel : channels) {
            final GlcmTexture.Features texture = GlcmTexture.of(channel.pixels(), regions.nucleus, count,
                regions.width);
            for (int label = 1; label <= count; label++) {
                final double[] row = rows[label - 1];
                row[column] = texture.contrast()[label];
                row[column + 1] = texture.homogeneity()[label];
                row[column + 2] = texture.entropy()[label];
                row[column + 3] = texture.angularSecondMoment()[label];
            }
            column += 4;
        }
        return rows;
    }

    /** 4 pi area / perimeter^2: 1 for a disc, pi / 4 for a square. */
    private static double formFactor(final int area, final ObjectOutline.Shape shape) {
        return shape.perimeter() > 0 ? 4 * Math.PI * area / (shape.perimeter() * shape.perimeter()) : Double.NaN;
    }

    private static double solidity(final int area, final ObjectOutline.Shape shape) {
        return shape.hullArea() > 0 ? Math.min(1.0, area / (double) shape.hullArea()) : Double.NaN;
    }

    /** Per-pixel gradient magnitude (intensity change per pixel) from 3x3 Sobel derivatives. */
    private static float[] gradientMagnitude(final Mat image, final MatScope scope) {
        final Mat dx = scope.mat();
        final Mat dy = scope.mat();
        // A Sobel 3x3 response to a unit ramp is 8; scale so the result is per pixel.
        Imgproc.Sobel(image, dx, CvType.CV_32F, 1, 0, 3, 1.0 / 8);
        Imgproc.Sobel(image, dy, CvType.CV_32F, 0, 1, 3, 1.0 / 8);
        final Mat magnitude = scope.mat();
        Core.magnitude(dx, dy, magnitude);
        final float[] pixels = new float[(int) magnitude.total()];
        magnitude.get(0, 0, pixels);
        return pixels;
    }

    /** Label geometry from one pass: areas, and bounding boxes and second moments of nuclei and of cells. */
    static final class Regions {
        final int count;
        final int width;
        final int[] nucleus;
        final int[] cell;
        final int[] nucleusArea;
        final int[] cytoplasmArea;
        final int[] cellArea;
        final Moments nuclei;
        final Moments cells;

        private Regions(final LabelImage nucleusLabels, final LabelImage cellLabels) {
            count = nucleusLabels.count();
            width = nucleusLabels.width();
            nucleus = nucleusLabels.pixels();
            cell = cellLabels.pixels();
            nuclei = new Moments(count);
            cells = new Moments(count);
            nucleusArea = nuclei.area;
            cellArea = cells.area;
            cytoplasmArea = new int[count + 1];
        }

        static Regions of(final LabelImage nuclei, final LabelImage cells) {
            final Regions r = new Regions(nuclei, cells);
            final int height = nuclei.height();
            for (int y = 0, i = 0; y < height; y++) {
                for (int x = 0; x < r.width; x++, i++) {
                    final int c = r.cell[i];
                    final int nl = r.nucleus[i];
                    if (c > 0) {
                        r.cells.add(c, x, y);
                        if (nl == 0) {
                            r.cytoplasmArea[c]++;
                        }
                    }
                    if (nl > 0) {
                        r.nuclei.add(nl, x, y);
                    }
                }
            }
            return r;
        }

        double[] nucleusMean(final float[] pixels) {
            final double[] sum = new double[count + 1];
            for (int i = 0; i < nucleus.length; i++) {
                sum[nucleus[i]] += pixels[i];
            }
            for (int label = 1; label <= count; label++) {
                sum[label] /= nucleusArea[label];
            }
            return sum;
        }

        double[] nucleusSd(final float[] pixels) {
            final double[] mean = nucleusMean(pixels);
            final double[] squares = new double[count + 1];
            for (int i = 0; i < nucleus.length; i++) {
                final double d = pixels[i] - mean[nucleus[i]];
                squares[nucleus[i]] += d * d;
            }
            for (int label = 1; label <= count; label++) {
                squares[label] = Math.sqrt(squares[label] / nucleusArea[label]);
            }
            return squares;
        }
    }

    /** Area, bounding box and first and second moments of each label of one label image. */
    static final class Moments {
        final int[] area;
        final int[] minX;
        final int[] minY;
        final int[] maxX;
        final int[] maxY;
        final double[] sumX;
        final double[] sumY;
        final double[] sumXx;
        final double[] sumYy;
        final double[] sumXy;

        Moments(final int count) {
            area = new int[count + 1];
            minX = new int[count + 1];
            minY = new int[count + 1];
            maxX = new int[count + 1];
            maxY = new int[count + 1];
            Arrays.fill(minX, Integer.MAX_VALUE);
            Arrays.fill(minY, Integer.MAX_VALUE);
            Arrays.fill(maxX, -1);
            Arrays.fill(maxY, -1);
            sumX = new double[count + 1];
            sumY = new double[count + 1];
            sumXx = new double[count + 1];
            sumYy = new double[count + 1];
            sumXy = new double[count + 1];
        }

        void add(final int label, final int x, final int y) {
            area[label]++;
            minX[label] = Math.min(minX[label], x);
            maxX[label] = Math.max(maxX[label], x);
            minY[label] = Math.min(minY[label], y);
            maxY[label] = Math.max(maxY[label], y);
            sumX[label] += x;
            sumY[label] += y;
            sumXx[label] += (double) x * x;
            sumYy[label] += (double) y * y;
            sumXy[label] += (double) x * y;
        }

        int[] boundingBox(final int label) {
            return new int[] {minX[label], minY[label], maxX[label] - minX[label] + 1,
                maxY[label] - minY[label] + 1};
        }

        /** sqrt(1 - minor/major eigenvalue of the covariance): 0 for a disc, sqrt(1 - b^2/a^2) for an ellipse. */
        double eccentricity(final int label) {
            final double n = area[label];
            final double mx = sumX[label] / n;
            final double my = sumY[label] / n;
            final double cxx = sumXx[label] / n - mx * mx;
            final double cyy = sumYy[label] / n - my * my;
            final double cxy = sumXy[label] / n - mx * my;
            final double half = (cxx + cyy) / 2;
            final double root = Math.sqrt(Math.max(0, (cxx - cyy) * (cxx - cyy) / 4 + cxy * cxy));
            final double major = half + root;
            final double minor = Math.max(0, half - root);
            return major > 0 ? Math.sqrt(Math.max(0, 1 - minor / major)) : 0;
        }
    }

    /** One channel's per-label intensity statistics; index 0 is the background and unused. */
    static final class Intensities {
        double[] nucleusSum;
        double[] nucleusMean;
        double[] nucleusMedian;
        double[] cytoplasmSum;
        double[] cytoplasmMean;
        double[] cytoplasmMedian;
        double[] cellMean;
        double[] cellMedian;

        static Intensities of(final float[] pixels, final Regions r) {
            final int count = r.count;
            final Intensities s = new Intensities();
            s.nucleusSum = new double[count + 1];
            s.cytoplasmSum = new double[count + 1];
            // Values bucketed by label (counting sort by label) so each median is a sort of one small range.
            final int[] nucleusStart = offsets(r.nucleusArea);
            final int[] cytoplasmStart = offsets(r.cytoplasmArea);
            final float[] nucleusValues = new float[nucleusStart[count + 1]];
            final float[] cytoplasmValues = new float[cytoplasmStart[count + 1]];
            final int[] nucleusNext = Arrays.copyOf(nucleusStart, count + 1);
            final int[] cytoplasmNext = Arrays.copyOf(cytoplasmStart, count + 1);
            for (int i = 0; i < pixels.length; i++) {
                final int nl = r.nucleus[i];
                if (nl > 0) {
                    s.nucleusSum[nl] += pixels[i];
                    nucleusValues[nucleusNext[nl]++] = pixels[i];
                } else {
                    final int c = r.cell[i];
                    if (c > 0) {
                        s.cytoplasmSum[c] += pixels[i];
                        cytoplasmValues[cytoplasmNext[c]++] = pixels[i];
                    }
                }
            }
            s.nucleusMean = new double[count + 1];
            s.nucleusMedian = new double[count + 1];
            s.cytoplasmMean = new double[count + 1];
            s.cytoplasmMedian = new double[count + 1];
            s.cellMean = new double[count + 1];
            s.cellMedian = new double[count + 1];
            for (int label = 1; label <= count; label++) {
                final int nArea = r.nucleusArea[label];
                final int cArea = r.cytoplasmArea[label];
                final int nFrom = nucleusStart[label];
                final int nTo = nucleusStart[label + 1];
                final int cFrom = cytoplasmStart[label];
                final int cTo = cytoplasmStart[label + 1];
                s.nucleusMean[label] = s.nucleusSum[label] / nArea;
                s.nucleusMedian[label] = median(nucleusValues, nFrom, nTo);
                s.cytoplasmMean[label] = cArea > 0 ? s.cytoplasmSum[label] / cArea : Double.NaN;
                s.cytoplasmMedian[label] = median(cytoplasmValues, cFrom, cTo);
                s.cellMean[label] = (s.nucleusSum[label] + s.cytoplasmSum[label]) / (nArea + cArea);
                // Both ranges are sorted by now; the cell (nucleus + cytoplasm) median is read off their merge.
                final int n = nArea + cArea;
                s.cellMedian[label] = n == 0 ? Double.NaN : n % 2 == 1
                    ? kth(nucleusValues, nFrom, nTo, cytoplasmValues, cFrom, cTo, n / 2)
                    : (kth(nucleusValues, nFrom, nTo, cytoplasmValues, cFrom, cTo, n / 2 - 1)
                    + kth(nucleusValues, nFrom, nTo, cytoplasmValues, cFrom, cTo, n / 2)) / 2;
            }
            return s;
        }

        /** start[label] of each label's range; start[count + 1] is the total. Label 0 gets an empty range. */
        private static int[] offsets(final int[] areas) {
            final int[] start = new int[areas.length + 1];
            for (int label = 1; label < areas.length; label++) {
                start[label + 1] = start[label] + areas[label];
            }
            return start;
        }

        private static double median(final float[] values, final int from, final int to) {
            final int n = to - from;
            if (n == 0) {
                return Double.NaN;
            }
            Arrays.sort(values, from, to);
            final int mid = from + n / 2;
            return n % 2 == 1 ? values[mid] : (values[mid - 1] + (double) values[mid]) / 2;
        }

        /** The k-th smallest (from 0) of two sorted ranges taken together, by walking their merge. */
        private static double kth(final float[] a, final int aFrom, final int aTo, final float[] b, final int bFrom,
                                  final int bTo, final int k) {
            int i = aFrom;
            int j = bFrom;
            for (int step = 0; step < k; step++) {
                if (j >= bTo || i < aTo && a[i] <= b[j]) {
                    i++;
                } else {
                    j++;
                }
            }
            return j >= bTo || i < aTo && a[i] <= b[j] ? a[i] : b[j];
        }
    }
}
