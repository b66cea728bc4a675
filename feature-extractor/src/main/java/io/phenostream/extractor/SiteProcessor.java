package io.phenostream.extractor;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.SiteQc;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.extractor.analysis.CellCropper;
import io.phenostream.extractor.analysis.IlluminationEstimator;
import io.phenostream.extractor.analysis.IlluminationFunction;
import io.phenostream.extractor.analysis.SiteAnalysis;
import io.phenostream.extractor.embedding.CropEmbedder;
import io.phenostream.extractor.analysis.SiteAnalyzer;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The work on one site: fetch every channel from S3 (verifying its sha256), analyse, and describe the result
 * as a {@link SiteFeatures} record. Analysers are cached per extraction parameters, since an image-set says
 * which analysis to run.
 */
public final class SiteProcessor {

    private final ObjectStore store;
    private final EmbeddingModels models;
    private final IlluminationEstimator illumination = new IlluminationEstimator();
    private final Map<Object, SiteAnalyzer> analyzers = new ConcurrentHashMap<>();
    /** One cropper per crop size and normalization text of the models in use. */
    private final Map<List<Object>, CellCropper> croppers = new ConcurrentHashMap<>();
    private final java.util.Set<String> storedIllumination = ConcurrentHashMap.newKeySet();
    private final long maxPixels;
    private final S3OutageRetry s3;

    public SiteProcessor(final ObjectStore store) {
        this(store, null, Long.parseLong(ConfigKey.IMAGE_MAX_PIXELS.defaultValue()),
            Long.parseLong(ConfigKey.EXTRACTOR_S3_RETRY_MS.defaultValue()));
    }

    /**
     * @param models    the worker's embedding models, or null when it runs classical analyses only
     * @param maxPixels images declaring more pixels are refused before decoding ({@code phenostream.image.max-pixels})
     * @param s3RetryMs how long an S3 call retries while S3 is unreachable ({@code phenostream.extractor.s3-retry-ms})
     */
    SiteProcessor(final ObjectStore store, final EmbeddingModels models, final long maxPixels, final long s3RetryMs) {
        this.store = store;
        this.models = models;
        this.maxPixels = maxPixels;
        this.s3 = new S3OutageRetry(s3RetryMs);
    }

    /** Whether the last S3 call found S3 unreachable (readiness: the worker cannot work now). */
    public boolean s3Unavailable() {
        return s3.unavailable();
    }

    /** Runs the worker's other S3 calls (per-cell tables, label images) through outages as fetches are. */
    <T> T callS3(final String what, final Supplier<T> op) {
        return s3.call(what, op);
    }

    /** The embedder of the site's analysis, or null without a model. */
    CropEmbedder embedderFor(final ImageSet set) {
        if (AnalysisSpec.NO_MODEL.equals(set.analysis().modelName())) {
            return null;
        }
        if (models == null) {
            throw new SiteFailure("analysis names model " + set.analysis().modelName()
                + " but this worker has no models configured", null);
        }
        try {
            return models.embedderFor(set.analysis());
        } catch (final RuntimeException e) {
            throw new SiteFailure("cannot load model " + set.analysis().modelName() + ": " + e.getMessage(), e);
        }
    }

    /** Fetches, analyses and describes a site in one call (tests and benchmarks; the worker runs the stages apart). */
    public SiteFeatures process(final ImageSet set) {
        return features(set, analyze(set, fetch(set)), null);
    }

    /** Every channel of the site from S3, each checked against its sha256 and retried through outages. */
    public Map<String, byte[]> fetch(final ImageSet set) {
        final Map<String, byte[]> images = new LinkedHashMap<>();
        for (final ImageRef ref : set.images()) {
            try {
                images.put(ref.channel(), s3.call("fetching " + ref.uri(), () -> store.getVerified(ref)));
            } catch (final RuntimeException e) {
                throw new SiteFailure("cannot fetch " + ref.uri() + " (channel " + ref.channel() + ", file "
                    + ref.fileName() + "): " + e.getMessage(), e);
            }
        }
        return images;
    }

    /** Decodes, segments and measures the site. */
    public SiteAnalysis analyze(final ImageSet set, final Map<String, byte[]> images) {
        final SiteAnalyzer analyzer = analyzers.computeIfAbsent(set.analysis().extraction(),
            p -> new SiteAnalyzer(set.analysis().extraction(), maxPixels));
        final SiteAnalyzer.Illumination illum = set.analysis().extraction().illuminationCorrection()
            ? new SiteAnalyzer.Illumination(illumination, set.runKey(), set.well() + "/" + set.site()) : null;
        final CropEmbedder embedder = embedderFor(set);
        final SiteAnalysis analysis;
        try {
            final SiteAnalyzer.Crops crops = embedder == null ? null : new SiteAnalyzer.Crops(
                croppers.computeIfAbsent(Arrays.asList(embedder.model().spec().cropSize(),
                        embedder.model().spec().normalization()),
                    key -> CellCropper.forModel(embedder.model().spec().cropSize(), embedder.model().spec().normalization())),
                EmbeddingModels.inputChannels(embedder.model(), set));
            analysis = analyzer.analyze(images, set.nuclearChannel(), set.cellChannel(), illum, crops);
        } catch (final RuntimeException e) {
            throw new SiteFailure("analysis failed: " + e.getMessage(), e);
        }
        if (illum != null) {
            storeIlluminationFunctions(set, analysis);
        }
        return analysis;
    }

    /**
     * Keeps each illumination function a site was corrected with in S3, once per id, so the id in a site record
     * always resolves to the function's values ({@code illumination/<run>/<channel>/<id>.bin}); a replay can
     * install them instead of re-estimating.
     */
    private void storeIlluminationFunctions(final ImageSet set, final SiteAnalysis analysis) {
        for (final Map.Entry<String, String> used : analysis.illumination().entrySet()) {
            if (used.getValue().equals(IlluminationFunction.IDENTITY_ID)) {
                continue;
            }
            final String key = "illumination/" + set.runKey() + "/" + used.getKey() + "/" + used.getValue() + ".bin";
            if (storedIllumination.add(key)) {
                final IlluminationFunction current = illumination.current(set.runKey(), used.getKey());
                if (!current.id().equals(used.getValue())) {
                    storedIllumination.remove(key); // superseded meanwhile; a later site of that estimate stores it
                    continue;
                }
                try {
                    final byte[] values = current.toBytes();
                    s3.call("storing " + key, () -> store.client().putObject(b -> b.bucket(store.bucket()).key(key),
                        software.amazon.awssdk.core.sync.RequestBody.fromBytes(values)));
                } catch (final RuntimeException e) {
                    storedIllumination.remove(key);
                    throw new SiteFailure("cannot store illumination function " + key + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** The site-features record of an analysed site; {@code cellDataUri} names its per-cell table, if stored. */
    public static SiteFeatures features(final ImageSet set, final SiteAnalysis analysis, final String cellDataUri) {
        return features(set, analysis, cellDataUri, null);
    }

    /** ... with the cells' embeddings (null without a model), summarized as their per-dimension median. */
    public static SiteFeatures features(final ImageSet set, final SiteAnalysis analysis, final String cellDataUri,
                                       final float[][] embeddings) {
        return features(set, analysis, new StoredCellData(cellDataUri, Map.of()), embeddings);
    }

    /** ... naming where the per-cell table and the label images were stored. */
    public static SiteFeatures features(final ImageSet set, final SiteAnalysis analysis, final StoredCellData stored,
                                       final float[][] embeddings) {
        return new SiteFeatures(SiteFeatures.SCHEMA_VERSION, set.analysisId(), set.analysis(), set.experimentId(),
            set.plateId(), set.runId(), set.well(), set.site(), SiteFeatures.Status.OK, null, analysis.cellCount(),
            analysis.siteFeatures(), analysis.qc(), set.images(), stored.cellDataUri(), Instant.now().toString(),
            analysis.illumination(), medians(embeddings), stored.masks());
    }

    /** Per-dimension median over the cells' embeddings: the site's embedding in its record; empty without cells. */
    public static List<Double> medians(final float[][] embeddings) {
        if (embeddings == null || embeddings.length == 0) {
            return List.of();
        }
        final int dim = embeddings[0].length;
        final List<Double> out = new java.util.ArrayList<>(dim);
        final double[] column = new double[embeddings.length];
        for (int d = 0; d < dim; d++) {
            for (int i = 0; i < embeddings.length; i++) {
                column[i] = embeddings[i][d];
            }
            java.util.Arrays.sort(column);
            final int n = column.length;
            out.add(n % 2 == 1 ? column[n / 2] : (column[n / 2 - 1] + column[n / 2]) / 2);
        }
        return out;
    }

    /** The record that tells the scorer a site was seen but could not be analysed. */
    public static SiteFeatures failed(final ImageSet set, final String error) {
        return new SiteFeatures(SiteFeatures.SCHEMA_VERSION, set.analysisId(), set.analysis(), set.experimentId(),
            set.plateId(), set.runId(), set.well(), set.site(), SiteFeatures.Status.FAILED, error, 0, Map.of(),
            new SiteQc(0, 0, List.of("failed")), set.images(), null, Instant.now().toString());
    }

    /** A site that cannot be processed; the message says why. */
    public static final class SiteFailure extends RuntimeException {
        public SiteFailure(final String message, final Throwable cause) {
            super(message, cause);
        }
    }
}
