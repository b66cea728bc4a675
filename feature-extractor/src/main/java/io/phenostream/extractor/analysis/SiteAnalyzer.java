package io.phenostream.extractor.analysis;

import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.common.events.SiteQc;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.opencv.core.Mat;

/**
 * Analyses one imaging site: corrects illumination, segments nuclei and cells, measures per-cell features,
 * aggregates them to site medians, scores image quality (on the raw images, so clipped pixels are seen as
 * such), cuts per-cell crops for the embedding model and encodes the label images ({@link SiteMasks}). Stateless apart from its parameters, so one instance
 * may be shared by many threads; every native Mat an analysis creates is released before {@link #analyze}
 * returns.
 */
public final class SiteAnalyzer {

    /**
     * Where a site sits for illumination correction: the plate run's estimator accumulates its images and
     * returns the function to divide by.
     */
    public record Illumination(IlluminationEstimator estimator, String runKey, String siteKey) {
    }

    /**
     * Crops to cut: the channels in the model's order (a name not among the site's channels is an all-zero
     * input) and the cropper (size, normalization).
     */
    public record Crops(CellCropper cropper, List<String> channelOrder) {
    }

    /** Site feature holding the number of cells. */
    public static final String CELL_COUNT = "cell_count";

    private final ExtractionParameters params;
    private final NucleusSegmenter nucleusSegmenter;
    private final CellSegmenter cellSegmenter;
    private final SiteQualityMeter qualityMeter;
    private final long maxPixels;

    public SiteAnalyzer(final ExtractionParameters params) {
        this(params, ChannelDecoder.DEFAULT_MAX_PIXELS);
    }

    /**
     * @param maxPixels the largest image decoded ({@code phenostream.image.max-pixels}): a worker setting, not a
     *                  parameter of the analysis, so it does not change the analysis id
     */
    public SiteAnalyzer(final ExtractionParameters params, final long maxPixels) {
        this.maxPixels = maxPixels;
        this.params = Objects.requireNonNull(params, "params");
        if (params.minNucleusArea() > params.maxNucleusArea()) {
            throw new IllegalArgumentException("minNucleusArea " + params.minNucleusArea()
                + " > maxNucleusArea " + params.maxNucleusArea());
        }
        if (params.cellGrowthPixels() < 0) {
            throw new IllegalArgumentException("cellGrowthPixels must be >= 0, was " + params.cellGrowthPixels());
        }
        OpenCvLoader.ensureLoaded();
        this.nucleusSegmenter = new NucleusSegmenter(params);
        this.cellSegmenter = new CellSegmenter(params.cellGrowthPixels(), params.smoothingSigma());
        this.qualityMeter = new SiteQualityMeter(params.saturationLevel());
    }

    public ExtractionParameters params() {
        return params;
    }

    /**
     * @param images         channel name -> encoded image bytes (TIFF/PNG, 8 or 16 bit); every entry is decoded
     *                       and measured, and all must have the same size
     * @param nuclearChannel channel with the nuclear stain (required, must be in {@code images})
     * @param cellChannel    channel with a cell body stain used to find cell outlines, or null to grow cells a
     *                       fixed distance from their nuclei
     * @throws ImageDecodeException naming the channel when an image is missing or unusable
     */
    public SiteAnalysis analyze(final Map<String, byte[]> images, final String nuclearChannel,
                                final String cellChannel) {
        return analyze(images, nuclearChannel, cellChannel, null, null);
    }

    /**
     * @param illumination the run's illumination estimator and this site's place in it, or null for no correction
     * @param crops        the crops to cut for the embedding model, or null for none
     */
    public SiteAnalysis analyze(final Map<String, byte[]> images, final String nuclearChannel,
                                final String cellChannel, final Illumination illumination, final Crops crops) {
        Objects.requireNonNull(images, "images");
        if (nuclearChannel == null) {
            throw new IllegalArgumentException("nuclearChannel is required");
        }
        requirePresent(images, nuclearChannel, "nuclear");
        if (cellChannel != null) {
            requirePresent(images, cellChannel, "cell");
        }
        try (MatScope scope = new MatScope()) {
            final List<String> order = channelOrder(images);
            final Map<String, Mat> decoded = new LinkedHashMap<>();
            for (final String channel : order) {
                decoded.put(channel, ChannelDecoder.decode(channel, images.get(channel), scope, maxPixels));
            }
            requireSameSize(decoded, nuclearChannel);
            final Map<String, String> illuminationIds = new LinkedHashMap<>();
            final Map<String, Mat> raw = new LinkedHashMap<>(decoded);
            if (illumination != null) {
                for (final Map.Entry<String, Mat> entry : decoded.entrySet()) {
                    final IlluminationFunction fn = illumination.estimator().addSite(illumination.runKey(),
                        entry.getKey(), illumination.siteKey(), entry.getValue());
                    illuminationIds.put(entry.getKey(), fn.id());
                    entry.setValue(fn.apply(entry.getValue(), scope));
                }
            }
            final Mat nuclear = decoded.get(nuclearChannel);

            final LabelImage nuclei = nucleusSegmenter.segment(nuclear, scope);
            final LabelImage cells = cellSegmenter.segment(nuclei,
                cellChannel == null ? null : decoded.get(cellChannel), scope);

            final List<CellFeatureCalculator.Channel> channels = new ArrayList<>();
            final Map<String, float[]> pixelsByChannel = new HashMap<>();
            CellFeatureCalculator.Channel nuclearFeatures = null;
            for (final Map.Entry<String, Mat> entry : decoded.entrySet()) {
                final Mat image = entry.getValue();
                final float[] pixels = new float[(int) image.total()];
                image.get(0, 0, pixels);
                pixelsByChannel.put(entry.getKey(), pixels);
                final CellFeatureCalculator.Channel channel =
                    new CellFeatureCalculator.Channel(CellFeatureCalculator.prefix(entry.getKey()), pixels);
                channels.add(channel);
                if (entry.getKey().equals(nuclearChannel)) {
                    nuclearFeatures = channel;
                }
            }
            final CellFeatureCalculator calculator = new CellFeatureCalculator(channels, nuclearFeatures);
            final double[][] rows = calculator.measure(nuclei, cells, nuclear, scope);
            final SiteQc qc = qualityMeter.measure(raw.get(nuclearChannel), raw.values(), nuclei.count(), scope);
            CellCrops cellCrops = null;
            if (crops != null) {
                for (final String channel : crops.channelOrder()) {
                    // a model input the plate has no stain for is fed zeros
                    pixelsByChannel.computeIfAbsent(channel, c -> new float[(int) nuclear.total()]);
                }
                cellCrops = crops.cropper().crop(pixelsByChannel, crops.channelOrder(), nuclei);
            }
            return new SiteAnalysis(nuclei.count(), calculator.featureNames(), rows,
                siteMedians(calculator.featureNames(), rows), qc, illuminationIds, cellCrops,
                SiteMasks.encode(nuclei, cells, scope));
        }
    }

    private static void requirePresent(final Map<String, byte[]> images, final String channel, final String role) {
        if (!images.containsKey(channel)) {
            throw new ImageDecodeException(channel, role + " channel has no image in this site (channels: "
                + images.keySet().stream().sorted().toList() + ")");
        }
    }

    /** Channels sorted by feature prefix so that feature columns do not depend on the map's iteration order. */
    private static List<String> channelOrder(final Map<String, byte[]> images) {
        final Map<String, String> byPrefix = new HashMap<>();
        for (final String channel : images.keySet()) {
            final String other = byPrefix.put(CellFeatureCalculator.prefix(channel), channel);
            if (other != null) {
                throw new ImageDecodeException(channel, "feature prefix '" + CellFeatureCalculator.prefix(channel)
                    + "' clashes with channel '" + other + "'");
            }
        }
        return images.keySet().stream()
            .sorted(Comparator.comparing(CellFeatureCalculator::prefix))
            .toList();
    }

    private static void requireSameSize(final Map<String, Mat> decoded, final String reference) {
        final Mat expected = decoded.get(reference);
        for (final Map.Entry<String, Mat> entry : decoded.entrySet()) {
            final Mat image = entry.getValue();
            if (image.cols() != expected.cols() || image.rows() != expected.rows()) {
                throw new ImageDecodeException(entry.getKey(), "image is " + image.cols() + "x" + image.rows()
                    + " but nuclear channel '" + reference + "' is " + expected.cols() + "x" + expected.rows());
            }
        }
    }

    /** Median over cells of each feature (ignoring NaN), then cell_count; only cell_count for an empty site. */
    static Map<String, Double> siteMedians(final List<String> names, final double[][] rows) {
        final Map<String, Double> site = new LinkedHashMap<>();
        if (rows.length > 0) {
            final double[] column = new double[rows.length];
            for (int f = 0; f < names.size(); f++) {
                int n = 0;
                for (final double[] row : rows) {
                    if (!Double.isNaN(row[f])) {
                        column[n++] = row[f];
                    }
                }
                site.put(names.get(f), median(column, n));
            }
        }
        site.put(CELL_COUNT, (double) rows.length);
        return site;
    }

    private static double median(final double[] values, final int n) {
        if (n == 0) {
            return Double.NaN;
        }
        java.util.Arrays.sort(values, 0, n);
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
