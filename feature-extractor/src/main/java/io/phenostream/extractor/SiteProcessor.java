package io.phenostream.extractor;

import io.phenostream.common.s3.S3Errors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

/**
 * The work on one site: fetch every channel from S3 (verifying its sha256), analyse, and describe the result
 * as a {@link SiteFeatures} record. Analysers are cached per extraction parameters, since an image-set says
 * which analysis to run.
 */
public final class SiteProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(SiteProcessor.class);

    private final ObjectStore store;
    private final EmbeddingModels models;
    private final IlluminationEstimator illumination = new IlluminationEstimator();
    private final Map<Object, SiteAnalyzer> analyzers = new ConcurrentHashMap<>();
    /** One cropper per crop size and normalization text of the models in use. */
    private final Map<List<Object>, CellCropper> croppers = new ConcurrentHashMap<>();
    private final java.util.Set<String> storedIllumination = ConcurrentHashMap.newKeySet();
    private final long maxPixels;
    private final long s3RetryNanos;
    private volatile boolean s3Unavailable;

    public SiteProcessor(final ObjectStore store) {
        this(store, null, Long.parseLong(ConfigKey.IMAGE_MAX_PIXELS.defaultValue()),
            Long.parseLong(ConfigKey.EXTRACTOR_S3_RETRY_MS.defaultValue()));
    }

    /**
     * @param models    the worker's embedding models, or null when it runs classical analyses only
     * @param maxPixels images declaring more pixels are refused before decoding ({@code phenostream.image.max-pixels})
     * @param s3RetryMs how long a fetch retries while S3 is unreachable ({@code phenostream.extractor.s3-retry-ms})
     */
    SiteProcessor(final ObjectStore store, final EmbeddingModels models, final long maxPixels, final long s3RetryMs) {
        this.store = store;
        this.models = models;
        this.maxPixels = maxPixels;
        this.s3RetryNanos = TimeUnit.MILLISECONDS.toNanos(s3RetryMs);
    }

    /** Whether the last fetch attempt found S3 unreachable (readiness: the worker cannot work now). */
    public boolean s3Unavailable() {
        return s3Unavailable;
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

    /** Every channel of the site from S3, each checked against its sha256. */
    public Map<String, byte[]> fetch(final ImageSet set) {
        final Map<String, byte[]> images = new LinkedHashMap<>();
        for (final ImageRef ref : set.images()) {
            try {
                images.put(ref.channel(), fetchRetrying(ref));
            } catch (final RuntimeException e) {
                throw new SiteFailure("cannot fetch " + ref.uri() + " (channel " + ref.channel() + ", file "
                    + ref.fileName() + "): " + e.getMessage(), e);
            }
        }
        return images;
    }

    /**
     * One image, retried with backoff (200 ms doubling to 10 s) while S3 is unreachable, up to the retry window: an
     * outage must not turn sites into FAILED ones (they would be lost from the plate). A missing object or a
     * checksum mismatch fails at once: retrying cannot fix it.
     */
    private byte[] fetchRetrying(final ImageRef ref) {
        final long deadline = System.nanoTime() + s3RetryNanos;
        long delayMs = 200;
        for (int attempt = 1; ; attempt++) {
            try {
                final byte[] bytes = store.getVerified(ref);
                s3Unavailable = false;
                return bytes;
            } catch (final RuntimeException e) {
                if (!S3Errors.isTransient(e) || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs) > deadline) {
                    throw e;
                }
                s3Unavailable = true;
                LOG.warn("S3 unreachable fetching {} (attempt {}), retrying in {} ms: {}", ref.uri(), attempt, delayMs,
                    e.getMessage());
                try {
                    Thread.sleep(delayMs);
                } catch (final InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                delayMs = Math.min(delayMs * 2, 10_000);
            }
        }
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
                    store.client().putObject(b -> b.bucket(store.bucket()).key(key),
                        software.amazon.awssdk.core.sync.RequestBody.fromBytes(current.toBytes()));
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
