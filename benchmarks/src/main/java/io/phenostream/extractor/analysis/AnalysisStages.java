package io.phenostream.extractor.analysis;

import io.phenostream.common.events.ExtractionParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.opencv.core.Mat;

/**
 * The package-private stages of {@link SiteAnalyzer}, one by one, for the JMH benchmarks. It lives in the
 * benchmarks module under the analyzer's package so that the stages can stay package-private in the extractor;
 * it calls them exactly as {@link SiteAnalyzer#analyze} does and adds no logic of its own.
 */
public final class AnalysisStages {

    /** Owns the native Mats that a stage creates; close it to release them (as one analysis does). */
    public static final class Scope implements AutoCloseable {
        private final MatScope mats = new MatScope();

        @Override
        public void close() {
            mats.close();
        }
    }

    /** A label image (0 = background, 1..count = objects); opaque outside the package. */
    public static final class Labels {
        private final LabelImage image;

        private Labels(final LabelImage image) {
            this.image = image;
        }

        public int count() {
            return image.count();
        }
    }

    /** Per-cell features of one site's channels, ready to measure label images against. */
    public static final class Features {
        private final CellFeatureCalculator calculator;
        private final Mat nuclearImage;

        private Features(final CellFeatureCalculator calculator, final Mat nuclearImage) {
            this.calculator = calculator;
            this.nuclearImage = nuclearImage;
        }

        public List<String> names() {
            return calculator.featureNames();
        }

        /** One row of feature values per cell. */
        public double[][] measure(final Labels nuclei, final Labels cells, final Scope scope) {
            return calculator.measure(nuclei.image, cells.image, nuclearImage, scope.mats);
        }
    }

    private final NucleusSegmenter nucleusSegmenter;
    private final CellSegmenter cellSegmenter;

    public AnalysisStages(final ExtractionParameters params) {
        OpenCvLoader.ensureLoaded();
        this.nucleusSegmenter = new NucleusSegmenter(params);
        this.cellSegmenter = new CellSegmenter(params.cellGrowthPixels(), params.smoothingSigma());
    }

    /** Decodes one encoded image (TIFF/PNG) to CV_32F pixels in [0,1], owned by {@code scope}. */
    public static Mat decode(final String channel, final byte[] bytes, final Scope scope) {
        OpenCvLoader.ensureLoaded();
        return ChannelDecoder.decode(channel, bytes, scope.mats);
    }

    public Labels nuclei(final Mat nuclear, final Scope scope) {
        return new Labels(nucleusSegmenter.segment(nuclear, scope.mats));
    }

    /** @param cellStain the cell body channel, or null to grow cells a fixed distance */
    public Labels cells(final Labels nuclei, final Mat cellStain, final Scope scope) {
        return new Labels(cellSegmenter.segment(nuclei.image, cellStain, scope.mats));
    }

    /** Row-major pixels of a CV_32F Mat. */
    public static float[] pixels(final Mat image) {
        final float[] pixels = new float[(int) image.total()];
        image.get(0, 0, pixels);
        return pixels;
    }

    /**
     * The feature calculator of a site, built as the analyzer builds it.
     *
     * @param decoded channel name -> decoded image; feature columns follow this map's order
     */
    public static Features features(final Map<String, Mat> decoded, final String nuclearChannel) {
        final List<CellFeatureCalculator.Channel> channels = new ArrayList<>();
        CellFeatureCalculator.Channel nuclear = null;
        for (final Map.Entry<String, Mat> entry : decoded.entrySet()) {
            final CellFeatureCalculator.Channel channel = new CellFeatureCalculator.Channel(
                CellFeatureCalculator.prefix(entry.getKey()), pixels(entry.getValue()));
            channels.add(channel);
            if (entry.getKey().equals(nuclearChannel)) {
                nuclear = channel;
            }
        }
        return new Features(new CellFeatureCalculator(channels, nuclear), decoded.get(nuclearChannel));
    }

    /** Crops centred on each nucleus, as the analyzer cuts them for the embedding model. */
    public static CellCrops crop(final CellCropper cropper, final Map<String, float[]> pixels,
                                 final List<String> order, final Labels nuclei) {
        return cropper.crop(pixels, order, nuclei.image);
    }

    /** Adds one decoded channel image of a site to a run's illumination sums, as the estimator does per site. */
    public static boolean accumulateIllumination(final IlluminationAccumulator accumulator, final String siteKey,
                                                 final Mat image) {
        return accumulator.add(siteKey, image);
    }

    /** Divides a decoded channel image by an illumination function, as the analyzer corrects each channel. */
    public static Mat correctIllumination(final IlluminationFunction function, final Mat image, final Scope scope) {
        return function.apply(image, scope.mats);
    }
}
