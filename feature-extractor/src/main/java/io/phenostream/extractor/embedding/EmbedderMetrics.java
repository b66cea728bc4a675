package io.phenostream.extractor.embedding;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The embedder's meters, tagged with the model id. Crops per second is the rate of
 * {@value #CROPS}; Prometheus derives it from the counter.
 */
final class EmbedderMetrics {

    static final String BATCH_SIZE = "phenostream.embedding.batch.size";
    static final String INFERENCE = "phenostream.embedding.inference";
    static final String QUEUE_WAIT = "phenostream.embedding.queue.wait";
    static final String QUEUE_DEPTH = "phenostream.embedding.queue.depth";
    static final String CROPS = "phenostream.embedding.crops";
    static final String FAILED_CROPS = "phenostream.embedding.crops.failed";

    private final MeterRegistry registry;
    private final DistributionSummary batchSize;
    private final Timer inference;
    private final Timer queueWait;
    private final Counter crops;
    private final Counter failedCrops;
    private final Gauge queueDepth;

    EmbedderMetrics(final MeterRegistry registry, final String modelId, final BlockingQueue<?> queue) {
        this.registry = registry;
        final Tags tags = Tags.of("model", modelId);
        batchSize = DistributionSummary.builder(BATCH_SIZE).description("Crops per forward pass").baseUnit("crops")
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256).tags(tags).register(registry);
        inference = Timer.builder(INFERENCE).description("Forward pass latency, one batch").tags(tags)
            .register(registry);
        queueWait = Timer.builder(QUEUE_WAIT).description("Time a crop waited before its batch ran").tags(tags)
            .register(registry);
        crops = Counter.builder(CROPS).description("Crops embedded").baseUnit("crops").tags(tags).register(registry);
        failedCrops = Counter.builder(FAILED_CROPS).description("Crops whose forward pass failed").baseUnit("crops")
            .tags(tags).register(registry);
        queueDepth = Gauge.builder(QUEUE_DEPTH, queue, BlockingQueue::size).description("Crops waiting")
            .baseUnit("crops").tags(tags).register(registry);
    }

    void batch(final int size, final long inferenceNanos, final boolean ok) {
        batchSize.record(size);
        inference.record(inferenceNanos, TimeUnit.NANOSECONDS);
        (ok ? crops : failedCrops).increment(size);
    }

    void waited(final long nanos) {
        queueWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Unregisters the meters so a later embedder for the same model starts clean. */
    void remove() {
        for (final Meter m : List.of(batchSize, inference, queueWait, crops, failedCrops, queueDepth)) {
            registry.remove(m);
        }
    }
}
