package io.phenostream.extractor.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class CropEmbedderTest {

    private static final int CROPS = 100;

    private static EmbeddingModel model;
    /** Each crop embedded alone, the reference for batched results. */
    private static float[][] single;

    @BeforeAll
    static void load() throws Exception {
        model = EmbeddingModel.load(FixtureModel.dir(), "cpu");
        single = new float[CROPS][];
        try (Predictor<float[][], float[][]> p = model.newPredictor()) {
            for (int k = 0; k < CROPS; k++) {
                single[k] = p.predict(new float[][] {FixtureModel.crop(k)})[0];
            }
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void cropsFromManyThreadsAreBatchedAndEachGetsItsOwnEmbedding() throws Exception {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // A small queue makes the four submitters block now and then (backpressure) while batches run.
        final BatchingSettings settings = new BatchingSettings(16, 100, 8, 1);
        final List<CompletableFuture<float[]>> futures = new ArrayList<>();
        for (int k = 0; k < CROPS; k++) {
            futures.add(null);
        }
        try (CropEmbedder embedder = new CropEmbedder(model, settings, registry)) {
            final ExecutorService submitters = Executors.newFixedThreadPool(4);
            try {
                final List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    final int thread = t;
                    done.add(submitters.submit(() -> {
                        for (int k = thread; k < CROPS; k += 4) {
                            final CompletableFuture<float[]> f = embedder.submit(FixtureModel.crop(k));
                            synchronized (futures) {
                                futures.set(k, f);
                            }
                        }
                        return null;
                    }));
                }
                for (final Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                submitters.shutdownNow();
            }
            for (int k = 0; k < CROPS; k++) {
                assertArrayEquals(single[k], futures.get(k).get(60, TimeUnit.SECONDS), 1e-5f, "crop " + k);
            }
            final DistributionSummary batches = registry.get(EmbedderMetrics.BATCH_SIZE).summary();
            assertEquals(CROPS, batches.totalAmount(), 0.0);
            assertTrue(batches.max() > 1, "largest batch " + batches.max());
            assertTrue(batches.max() <= 16, "largest batch " + batches.max());
            assertTrue(batches.count() < CROPS, batches.count() + " batches for " + CROPS + " crops");
            assertEquals(CROPS, registry.get(EmbedderMetrics.CROPS).counter().count(), 0.0);
            assertEquals(batches.count(), registry.get(EmbedderMetrics.INFERENCE).timer().count());
            assertEquals(CROPS, registry.get(EmbedderMetrics.QUEUE_WAIT).timer().count());
            assertEquals(0.0, registry.get(EmbedderMetrics.QUEUE_DEPTH).gauge().value(), 0.0);
        }
        assertTrue(registry.getMeters().isEmpty(), "meters are removed on close");
    }

    @Test
    void fewCropsRunAfterMaxWaitWithoutAFullBatch() throws Exception {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CropEmbedder embedder = new CropEmbedder(model, new BatchingSettings(64, 300, 64, 1), registry)) {
            final long start = System.nanoTime();
            final CompletableFuture<float[][]> site = embedder.submitSite(
                List.of(FixtureModel.crop(3), FixtureModel.crop(4), FixtureModel.crop(5)));
            final float[][] out = site.get(10, TimeUnit.SECONDS);
            final long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // The batch waited for companions up to maxWait, then ran with what it had.
            assertTrue(elapsedMillis >= 280, "completed after " + elapsedMillis + " ms");
            assertTrue(elapsedMillis < 300 + 3000, "completed after " + elapsedMillis + " ms");
            final DistributionSummary batches = registry.get(EmbedderMetrics.BATCH_SIZE).summary();
            assertEquals(1, batches.count());
            assertEquals(3.0, batches.totalAmount(), 0.0);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(single[3 + i], out[i], 1e-5f);
            }
        }
    }

    @Test
    void zeroWaitRunsAtOnce() throws Exception {
        try (CropEmbedder embedder = new CropEmbedder(model, new BatchingSettings(64, 0, 64, 1),
            new SimpleMeterRegistry())) {
            final long start = System.nanoTime();
            final float[] out = embedder.submit(FixtureModel.crop(9)).get(10, TimeUnit.SECONDS);
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 2000);
            assertArrayEquals(single[9], out, 1e-5f);
        }
    }

    @Test
    void closeEmbedsQueuedCropsThenRefusesMore() throws Exception {
        final CropEmbedder embedder = new CropEmbedder(model, new BatchingSettings(4, 50, 200, 2),
            new SimpleMeterRegistry());
        final List<CompletableFuture<float[]>> futures = new ArrayList<>();
        for (int k = 0; k < 60; k++) {
            futures.add(embedder.submit(FixtureModel.crop(k)));
        }
        assertTrue(embedder.close(Duration.ofSeconds(60)));
        for (int k = 0; k < 60; k++) {
            assertTrue(futures.get(k).isDone(), "crop " + k + " done when close returns");
            assertArrayEquals(single[k], futures.get(k).get(), 1e-5f, "crop " + k);
        }
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> embedder.submit(FixtureModel.crop(0)));
        assertTrue(e.getMessage().contains("fixture-tiny/1 is closed"), e.getMessage());
        assertTrue(embedder.close(Duration.ofSeconds(1)), "second close is a no-op");
    }

    @Test
    void closeAfterDrainTimeoutFailsWhatIsLeft() throws Exception {
        final CropEmbedder embedder = new CropEmbedder(model, new BatchingSettings(1, 0, 2000, 1),
            new SimpleMeterRegistry());
        final List<CompletableFuture<float[]>> futures = new ArrayList<>();
        final float[] crop = FixtureModel.crop(1);
        for (int k = 0; k < 2000; k++) {
            futures.add(embedder.submit(crop));
        }
        assertFalse(embedder.close(Duration.ofMillis(1)));
        int dropped = 0;
        for (final CompletableFuture<float[]> f : futures) {
            // Every future completes either way: embedded, or failed because the embedder stopped.
            try {
                assertArrayEquals(single[1], f.get(30, TimeUnit.SECONDS), 1e-5f);
            } catch (final ExecutionException e) {
                assertInstanceOf(IllegalStateException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains("fixture-tiny/1"), e.getCause().getMessage());
                dropped++;
            }
        }
        assertTrue(dropped > 0, "some crops were still queued after 1 ms");
    }

    @Test
    void modelFailureCompletesTheBatchExceptionallyNamingTheModel(@TempDir final Path tmp) throws Exception {
        // model.json claims four channels: the hash still matches, but the convolution takes three.
        final Path dir = FixtureModel.copyWithSpec(tmp.resolve("m"),
            s -> s.replace("\"Mito\"\n", "\"Mito\",\n    \"RNA\"\n"));
        try (EmbeddingModel wrong = EmbeddingModel.load(dir, "cpu");
             CropEmbedder embedder = new CropEmbedder(wrong, new BatchingSettings(8, 50, 16, 1),
                 new SimpleMeterRegistry())) {
            assertEquals(4, wrong.spec().inputChannels().size());
            final List<CompletableFuture<float[]>> futures = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                futures.add(embedder.submit(new float[4 * 24 * 24]));
            }
            for (final CompletableFuture<float[]> f : futures) {
                final ExecutionException e = assertThrows(ExecutionException.class,
                    () -> f.get(30, TimeUnit.SECONDS));
                assertInstanceOf(EmbeddingException.class, e.getCause());
                final String message = e.getCause().getMessage();
                assertTrue(message.startsWith("Model fixture-tiny/1 failed on a batch of 3 crops: "), message);
                // The one-line summary keeps libtorch's own reason (the last line of its traceback).
                assertTrue(message.contains("to have 3 channels, but got 4 channels"), message);
                assertFalse(message.contains("\n"), message);
            }
            // The inference thread survives a failed batch.
            final IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> embedder.submit(FixtureModel.crop(0)));
            assertTrue(size.getMessage().contains("4 x 24 x 24 = 2304 floats, got 1728"), size.getMessage());
        }
    }

    @Test
    void wrongEmbeddingSizeIsAModelError(@TempDir final Path tmp) throws Exception {
        final Path dir = FixtureModel.copyWithSpec(tmp.resolve("m"),
            s -> s.replace("\"embeddingSize\": 8", "\"embeddingSize\": 16"));
        try (EmbeddingModel wrong = EmbeddingModel.load(dir, "cpu");
             CropEmbedder embedder = new CropEmbedder(wrong, BatchingSettings.defaults(), new SimpleMeterRegistry())) {
            final ExecutionException e = assertThrows(ExecutionException.class,
                () -> embedder.submit(FixtureModel.crop(0)).get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("expected (N, 16)"), e.getCause().getMessage());
            assertTrue(e.getCause().getMessage().contains("fixture-tiny/1"), e.getCause().getMessage());
        }
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new BatchingSettings(0, 10, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new BatchingSettings(4, -1, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new BatchingSettings(4, 10, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new BatchingSettings(4, 10, 10, 0));
    }
}
