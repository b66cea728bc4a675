package io.phenostream.extractor.embedding;

import ai.djl.inference.Predictor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds cell crops with dynamic batching: crops from any number of sites and caller threads go into one
 * bounded queue; each inference thread owns one {@link Predictor}, takes up to {@code maxBatch} crops (or
 * whatever arrived before the oldest one has waited {@code maxWaitMillis}), runs a single N x C x H x W forward
 * pass and completes each crop's future with its embedding.
 *
 * <p>Futures complete on an inference thread: chain heavy work with the {@code *Async} variants. A failed
 * forward pass completes every future of its batch with an {@link EmbeddingException} naming the model.
 * {@link #close()} stops accepting crops, lets the threads finish what is queued, then stops them.
 */
public final class CropEmbedder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CropEmbedder.class);
    /** How often an idle inference thread looks at the closed flag. */
    private static final long IDLE_POLL_MILLIS = 50;
    private static final Duration DEFAULT_DRAIN = Duration.ofSeconds(60);

    private final EmbeddingModel model;
    private final EmbeddingModelSpec spec;
    private final BatchingSettings settings;
    private final BlockingQueue<PendingCrop> queue;
    private final EmbedderMetrics metrics;
    private final List<Thread> workers = new ArrayList<>();
    // Submitters hold the read lock while they enqueue; close() takes the write lock to flip the flag, so no
    // crop can slip into the queue after the workers were told to drain it.
    private final ReadWriteLock submitLock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** One crop on its way through the queue. */
    private record PendingCrop(float[] crop, CompletableFuture<float[]> future, long enqueuedNanos) {
    }

    /**
     * Starts the inference threads. The model stays owned by the caller (close it after this embedder).
     */
    public CropEmbedder(final EmbeddingModel model, final BatchingSettings settings, final MeterRegistry registry) {
        this.model = model;
        this.spec = model.spec();
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.metrics = new EmbedderMetrics(registry, spec.id(), queue);
        for (int i = 0; i < settings.workers(); i++) {
            final Thread t = new Thread(this::runWorker, "embedder-" + spec.name() + "-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
        LOG.info("Embedding with {} on {}: {}", spec.id(), model.device(), settings);
    }

    /**
     * Queues one crop, blocking while the queue is full.
     *
     * @param crop C x H x W floats in the model's channel order; the embedder reads it until the future
     *             completes, so do not reuse the array before then
     * @return the crop's embedding ({@code embeddingSize} floats)
     * @throws IllegalArgumentException when the crop has the wrong length for the model
     * @throws IllegalStateException    after {@link #close()}
     */
    public CompletableFuture<float[]> submit(final float[] crop) throws InterruptedException {
        if (crop == null || crop.length != spec.cropLength()) {
            throw new IllegalArgumentException("Model " + spec.id() + " takes crops of " + spec.inputChannels().size()
                + " x " + spec.cropSize() + " x " + spec.cropSize() + " = " + spec.cropLength() + " floats, got "
                + (crop == null ? "null" : crop.length));
        }
        final PendingCrop pending = new PendingCrop(crop, new CompletableFuture<>(), System.nanoTime());
        submitLock.readLock().lockInterruptibly();
        try {
            if (closed) {
                throw new IllegalStateException("Embedder for model " + spec.id() + " is closed");
            }
            queue.put(pending);
        } finally {
            submitLock.readLock().unlock();
        }
        return pending.future();
    }

    /** Queues every crop of one site; the result holds the embeddings in the order of {@code crops}. */
    public CompletableFuture<float[][]> submitSite(final List<float[]> crops) throws InterruptedException {
        final List<CompletableFuture<float[]>> futures = new ArrayList<>(crops.size());
        for (final float[] crop : crops) {
            futures.add(submit(crop));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
            .thenApply(done -> futures.stream().map(CompletableFuture::join).toArray(float[][]::new));
    }

    /** Crops waiting for a batch. */
    public int queueDepth() {
        return queue.size();
    }

    public EmbeddingModel model() {
        return model;
    }

    public BatchingSettings settings() {
        return settings;
    }

    private void runWorker() {
        final List<PendingCrop> batch = new ArrayList<>(settings.maxBatch());
        try (Predictor<float[][], float[][]> predictor = model.newPredictor()) {
            while (true) {
                final PendingCrop first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                fill(batch, first.enqueuedNanos() + TimeUnit.MILLISECONDS.toNanos(settings.maxWaitMillis()));
                run(predictor, batch);
                batch.clear();
            }
        } catch (final InterruptedException e) {
            // Only close() interrupts, after its drain timeout: crops taken but not run must not hang.
            fail(batch, new IllegalStateException("Embedder for model " + spec.id() + " stopped before this crop"
                + " was embedded"));
            Thread.currentThread().interrupt();
        } catch (final RuntimeException e) {
            fail(batch, new EmbeddingException("Inference thread for model " + spec.id() + " stopped: "
                + e.getMessage(), e));
            LOG.error("Inference thread for model {} stopped", spec.id(), e);
        }
    }

    private static void fail(final List<PendingCrop> batch, final RuntimeException cause) {
        batch.forEach(p -> p.future().completeExceptionally(cause));
    }

    /** Adds crops until the batch is full or the oldest crop's wait is over. */
    private void fill(final List<PendingCrop> batch, final long deadlineNanos) throws InterruptedException {
        while (batch.size() < settings.maxBatch()) {
            queue.drainTo(batch, settings.maxBatch() - batch.size());
            // Once closed nothing new can arrive: waiting would only delay the drain.
            if (batch.size() >= settings.maxBatch() || closed) {
                return;
            }
            final long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            final PendingCrop next = queue.poll(remaining, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
        }
    }

    private void run(final Predictor<float[][], float[][]> predictor, final List<PendingCrop> batch) {
        final int n = batch.size();
        final float[][] crops = new float[n][];
        final long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            crops[i] = batch.get(i).crop();
            metrics.waited(start - batch.get(i).enqueuedNanos());
        }
        final float[][] embeddings;
        try {
            embeddings = predictor.predict(crops);
            if (embeddings.length != n) {
                throw new IllegalStateException("returned " + embeddings.length + " embeddings for " + n + " crops");
            }
        } catch (final Exception | LinkageError e) {
            metrics.batch(n, System.nanoTime() - start, false);
            final EmbeddingException failure = new EmbeddingException("Model " + spec.id() + " failed on a batch of "
                + n + " crops: " + rootMessage(e), e);
            LOG.warn("{}", failure.getMessage());
            fail(batch, failure);
            return;
        }
        metrics.batch(n, System.nanoTime() - start, true);
        for (int i = 0; i < n; i++) {
            batch.get(i).future().complete(embeddings[i]);
        }
    }

    /**
     * The root cause in one line. TorchScript errors carry a multi-line traceback whose last line says what
     * went wrong; the full text stays in the exception's cause chain.
     */
    static String rootMessage(final Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        final String message = root.getMessage() == null ? "" : root.getMessage().strip();
        final String last = message.substring(message.lastIndexOf('\n') + 1).strip();
        return root.getClass().getSimpleName() + (last.isEmpty() ? "" : ": " + last);
    }

    /** Drains queued crops (up to 60 s) and stops the inference threads. */
    @Override
    public void close() {
        close(DEFAULT_DRAIN);
    }

    /**
     * Stops accepting crops, lets the inference threads embed what is queued, and stops them. Crops still queued
     * after {@code drainTimeout} complete exceptionally with an {@link IllegalStateException}.
     *
     * @return true when everything queued was embedded (or failed by the model) within the timeout
     */
    public boolean close(final Duration drainTimeout) {
        submitLock.writeLock().lock();
        try {
            if (closed) {
                return true;
            }
            closed = true;
        } finally {
            submitLock.writeLock().unlock();
        }
        final long deadline = System.nanoTime() + drainTimeout.toNanos();
        boolean drained = true;
        try {
            for (final Thread t : workers) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) {
                    drained = false;
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (!drained) {
            workers.forEach(Thread::interrupt);
        }
        final List<PendingCrop> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            drained = false;
            final IllegalStateException stop = new IllegalStateException("Embedder for model " + spec.id()
                + " closed before this crop was embedded (drain timeout " + drainTimeout + ")");
            left.forEach(p -> p.future().completeExceptionally(stop));
        }
        metrics.remove();
        LOG.info("Embedder for {} closed, {}", spec.id(), drained ? "queue drained" : left.size() + " crops dropped");
        return drained;
    }
}
