package io.phenostream.benchmarks;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import io.phenostream.extractor.embedding.EmbeddingModel;
import java.util.List;

/**
 * The model alone: forward passes of {@code maxBatch} crops (the worker's batch limit) in a tight loop on one
 * thread with one predictor, as one of the worker's inference threads would run them if crops never had to wait.
 * The crops are real ones of the plate, cycled until as many crops as the plate has cells went through.
 */
final class BareModelLoop {

    record Timing(long crops, int batches, long nanos) {
        double cropsPerSecond() {
            return crops / (nanos / 1e9);
        }
    }

    private BareModelLoop() {
    }

    static Timing run(final EmbeddingModel model, final List<float[]> sample, final long crops, final int maxBatch) {
        if (sample.isEmpty()) {
            throw new IllegalArgumentException("No crops to feed the model: the plate's sites had no cells");
        }
        final float[][] full = new float[maxBatch][];
        try (Predictor<float[][], float[][]> predictor = model.newPredictor()) {
            int next = 0;
            long done = 0;
            int batches = 0;
            final long t0 = System.nanoTime();
            while (done < crops) {
                final int n = (int) Math.min(maxBatch, crops - done);
                final float[][] batch = n == maxBatch ? full : new float[n][];
                for (int i = 0; i < n; i++) {
                    batch[i] = sample.get(next);
                    next = (next + 1) % sample.size();
                }
                if (predictor.predict(batch).length != n) {
                    throw new IllegalStateException("Model " + model.spec().id() + " lost crops of a batch of " + n);
                }
                done += n;
                batches++;
            }
            return new Timing(done, batches, System.nanoTime() - t0);
        } catch (final TranslateException e) {
            throw new IllegalStateException("Bare model loop: model " + model.spec().id() + " failed: "
                + e.getMessage(), e);
        }
    }
}
