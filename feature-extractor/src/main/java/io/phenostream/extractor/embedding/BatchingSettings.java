package io.phenostream.extractor.embedding;

/**
 * How {@link CropEmbedder} groups crops into forward passes.
 *
 * @param maxBatch      most crops in one forward pass
 * @param maxWaitMillis longest a crop waits in the queue for others to join its batch; a batch runs as soon as
 *                      it is full or its oldest crop has waited this long
 * @param queueCapacity crops that may wait before {@link CropEmbedder#submit} blocks (backpressure)
 * @param workers       inference threads, each with its own predictor
 */
public record BatchingSettings(int maxBatch, long maxWaitMillis, int queueCapacity, int workers) {

    public BatchingSettings {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        if (maxWaitMillis < 0) {
            throw new IllegalArgumentException("maxWaitMillis must not be negative, got " + maxWaitMillis);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
    }

    /** 64 crops or 20 ms, 1024 queued crops, one inference thread. */
    public static BatchingSettings defaults() {
        return new BatchingSettings(64, 20, 1024, 1);
    }
}
