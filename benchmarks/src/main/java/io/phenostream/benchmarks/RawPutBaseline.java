package io.phenostream.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The ceiling the ingest is measured against: the same files PUT to the same S3 server with the same client and
 * the same number of threads, one plain {@code PutObject} each (no digest, HEAD, verify or Kafka), to distinct
 * keys of a bucket nobody wrote to before.
 */
public final class RawPutBaseline {

    /** Wall time of one baseline pass over {@code bytes} bytes, and the summed latency of its PUTs. */
    public record Timing(int files, long bytes, long nanos, long putNanos) {
        public double megabytesPerSecond() {
            return bytes / 1e6 / (nanos / 1e9);
        }

        /** Mean latency of one PUT: compare with the ingest's upload stage. */
        public double meanPutMillis() {
            return files == 0 ? 0 : putNanos / 1e6 / files;
        }
    }

    private final S3Client s3;
    private final int threads;

    public RawPutBaseline(final S3Client s3, final int threads) {
        this.s3 = s3;
        this.threads = Math.max(1, threads);
    }

    /** PUTs every file to {@code bucket} under {@code raw/<file name>}; the bucket must exist. */
    public Timing put(final String bucket, final List<Path> files) {
        final long bytes = files.stream().mapToLong(RawPutBaseline::size).sum();
        final ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            final Thread t = new Thread(r, "raw-put");
            t.setDaemon(true);
            return t;
        });
        try {
            final AtomicLong putNanos = new AtomicLong();
            final long t0 = System.nanoTime();
            final List<Future<?>> pending = new ArrayList<>(files.size());
            for (final Path file : files) {
                pending.add(pool.submit(() -> {
                    final long start = System.nanoTime();
                    s3.putObject(b -> b.bucket(bucket).key("raw/" + file.getFileName()).contentLength(size(file)),
                        RequestBody.fromFile(file));
                    putNanos.addAndGet(System.nanoTime() - start);
                }));
            }
            for (final Future<?> f : pending) {
                f.get();
            }
            return new Timing(files.size(), bytes, System.nanoTime() - t0, putNanos.get());
        } catch (final ExecutionException e) {
            throw new IllegalStateException("Raw PUT to bucket " + bucket + " failed: " + e.getCause().getMessage(),
                e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Raw PUT to bucket " + bucket + " interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long size(final Path file) {
        try {
            return Files.size(file);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }
}
