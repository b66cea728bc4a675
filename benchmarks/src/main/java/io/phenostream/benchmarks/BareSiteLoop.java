package io.phenostream.benchmarks;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import io.phenostream.common.events.ImageSet;
import io.phenostream.extractor.WorkerAccess;
import io.phenostream.extractor.analysis.CellCropper;
import io.phenostream.extractor.analysis.IlluminationEstimator;
import io.phenostream.extractor.analysis.SiteAnalysis;
import io.phenostream.extractor.analysis.SiteAnalyzer;
import io.phenostream.extractor.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling the worker is measured against: the same per-site work (decode, illumination when the analysis
 * asks for it, segmentation, features, QC, crops, embedding) on images already in memory, in a tight loop on
 * {@code threads} threads that each own a predictor and embed a site's crops in one forward pass. No Kafka, no
 * S3, no queues between stages. It also keeps a sample of the crops for {@link BareModelLoop}. Without a model
 * (classical analyses) it cuts no crops and embeds nothing, as the worker does.
 */
final class BareSiteLoop implements AutoCloseable {

    /** One site of the plate: its image-set (for the analysis and channel roles) and its encoded images. */
    record Site(ImageSet set, Map<String, byte[]> images) {
    }

    /**
     * One pass: wall time, and the summed thread time spent analysing and embedding.
     *
     * @param crops a sample of the crops the pass cut (at most the limit given to the loop)
     */
    record Timing(int sites, long cells, long nanos, long analyzeNanos, long embedNanos, List<float[]> crops,
                  List<SiteCost> perSite) {

        Timing(final int sites, final long cells, final long nanos, final long analyzeNanos, final long embedNanos,
               final List<float[]> crops) {
            this(sites, cells, nanos, analyzeNanos, embedNanos, crops, List.of());
        }

        double sitesPerSecond() {
            return sites / (nanos / 1e9);
        }

        double cellsPerSecond() {
            return cells / (nanos / 1e9);
        }
    }

    /** One site's cells and its thread time (analysis plus forward pass), for cost against cells per site. */
    record SiteCost(int cells, long nanos) {
    }

    private final EmbeddingModel model;
    private final SiteAnalyzer analyzer;
    private final CellCropper cropper;
    private final int threads;
    private final int cropSampleLimit;
    /** Kept across passes so that the threads' CPU time can be read after a pass (CpuTimes). */
    private final ExecutorService pool;

    /** @param model the analysis's embedding model, or null for a classical analysis (no crops, no embedding) */
    BareSiteLoop(final EmbeddingModel model, final SiteAnalyzer analyzer, final int threads,
                 final int cropSampleLimit) {
        this.model = model;
        this.analyzer = analyzer;
        // as the worker's SiteProcessor builds it for the model
        this.cropper = model == null ? null
            : CellCropper.forModel(model.spec().cropSize(), model.spec().normalization());
        this.threads = Math.max(1, threads);
        this.cropSampleLimit = cropSampleLimit;
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            final Thread t = new Thread(r, "bare-site-loop");
            t.setDaemon(true);
            return t;
        });
    }

    /** Analyses and embeds every site once; {@code sites} must carry one run key (illumination is per run). */
    Timing run(final List<Site> sites) {
        final IlluminationEstimator illumination = new IlluminationEstimator();
        final AtomicInteger next = new AtomicInteger();
        final AtomicLong cells = new AtomicLong();
        final AtomicLong analyzeNanos = new AtomicLong();
        final AtomicLong embedNanos = new AtomicLong();
        final List<float[]> sample = Collections.synchronizedList(new ArrayList<>());
        final List<SiteCost> perSite = Collections.synchronizedList(new ArrayList<>());
        try {
            final long t0 = System.nanoTime();
            final List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> {
                    // a null resource is allowed and not closed: no predictor without a model
                    try (Predictor<float[][], float[][]> predictor = model == null ? null : model.newPredictor()) {
                        for (int s = next.getAndIncrement(); s < sites.size(); s = next.getAndIncrement()) {
                            final Site site = sites.get(s);
                            final long a0 = System.nanoTime();
                            final SiteAnalysis analysis = analyze(site, illumination);
                            final long a1 = System.nanoTime();
                            if (predictor != null && analysis.crops().count() > 0) {
                                final float[][] embeddings = predictor.predict(analysis.crops().crops());
                                if (embeddings.length != analysis.crops().count()) {
                                    throw new IllegalStateException("Model returned " + embeddings.length
                                        + " embeddings for " + analysis.crops().count() + " crops");
                                }
                            }
                            embedNanos.addAndGet(System.nanoTime() - a1);
                            analyzeNanos.addAndGet(a1 - a0);
                            cells.addAndGet(analysis.cellCount());
                            perSite.add(new SiteCost(analysis.cellCount(), System.nanoTime() - a0));
                            for (final float[] crop : analysis.crops() == null ? new float[0][]
                                : analysis.crops().crops()) {
                                if (sample.size() >= cropSampleLimit) {
                                    break;
                                }
                                sample.add(crop);
                            }
                        }
                    } catch (final TranslateException e) {
                        throw new IllegalStateException("Bare loop: model " + model.spec().id() + " failed: "
                            + e.getMessage(), e);
                    }
                    return null;
                }));
            }
            for (final Future<?> f : workers) {
                f.get();
            }
            return new Timing(sites.size(), cells.get(), System.nanoTime() - t0, analyzeNanos.get(),
                embedNanos.get(), List.copyOf(sample), List.copyOf(perSite));
        } catch (final ExecutionException e) {
            throw new IllegalStateException("Bare site loop failed: " + e.getCause().getMessage(), e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Bare site loop interrupted", e);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** What the worker's SiteProcessor.analyze does, minus the S3 copy of the illumination functions. */
    private SiteAnalysis analyze(final Site site, final IlluminationEstimator illumination) {
        final ImageSet set = site.set();
        final SiteAnalyzer.Illumination illum = set.analysis().extraction().illuminationCorrection()
            ? new SiteAnalyzer.Illumination(illumination, set.runKey(), set.well() + "/" + set.site()) : null;
        return analyzer.analyze(site.images(), set.nuclearChannel(), set.cellChannel(), illum, model == null ? null
            : new SiteAnalyzer.Crops(cropper, WorkerAccess.inputChannels(model, set)));
    }
}
