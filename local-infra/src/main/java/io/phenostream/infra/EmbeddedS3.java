package io.phenostream.infra;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-compatible server (S3Proxy 4, filesystem backend) on {@code 127.0.0.1} and a free port. Each bucket is a
 * folder under the root given to the constructor and each object a file in it, so objects survive restarts.
 * Requests must be signed with AWS Signature V4 and the configured access / secret key, as against real S3.
 * A later {@link #start()} of the same instance binds the port of the first one again: clients configured with
 * {@link #endpoint()} reach the server again once it is back (an outage and a restart, not a move).
 */
public final class EmbeddedS3 implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private final String accessKey;
    private final String secretKey;
    private S3Proxy proxy;
    private String endpoint;
    /** The port once bound (0 before the first start): later starts bind it again. */
    private int port;

    public EmbeddedS3(final Path root, final String accessKey, final String secretKey) {
        this.root = root.toAbsolutePath().normalize();
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** A server that accepts the keys of {@code config} ({@code phenostream.s3.access-key} / {@code secret-key}). */
    public EmbeddedS3(final Path root, final PhenoConfig config) {
        this(root, config.require(ConfigKey.S3_ACCESS_KEY), config.require(ConfigKey.S3_SECRET_KEY));
    }

    public synchronized void start() {
        if (proxy != null) {
            throw new IllegalStateException("Embedded S3 on " + root + " is already running");
        }
        DataDirectory.ensureWritable(root, "S3 objects");
        final long t0 = System.nanoTime();
        S3Proxy p = null;
        try {
            p = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(root.toString()))
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V4, accessKey, secretKey)
                .build();
            p.start();
            awaitStarted(p);
            proxy = p;
            port = p.getPort();
            endpoint = "http://127.0.0.1:" + port;
        } catch (final Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            stopQuietly(p);
            throw new IllegalStateException("Cannot start the embedded S3 server (S3Proxy) on 127.0.0.1 with data in "
                + root + ": " + DataDirectory.describe(e), e);
        }
        LOG.info("Embedded S3 at {} (objects in {}) started in {} ms", endpoint, root, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void awaitStarted(final S3Proxy p) throws InterruptedException {
        final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String state = p.getState();
        while (!"STARTED".equals(state)) {
            if ("FAILED".equals(state) || "STOPPED".equals(state)) {
                throw new IllegalStateException("S3Proxy state is " + state);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy still " + state + " after " + START_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(10);
            state = p.getState();
        }
    }

    /** {@code http://127.0.0.1:PORT}: the value for {@code phenostream.s3.endpoint} (path-style addressing). */
    public synchronized String endpoint() {
        if (proxy == null) {
            throw new IllegalStateException("Embedded S3 on " + root + " is not running");
        }
        return endpoint;
    }

    public Path root() {
        return root;
    }

    public synchronized boolean isRunning() {
        return proxy != null;
    }

    /** Stops the server; the objects stay on disk. Idempotent, never throws. */
    @Override
    public synchronized void close() {
        final S3Proxy p = proxy;
        proxy = null;
        endpoint = null;
        stopQuietly(p);
    }

    private static void stopQuietly(final S3Proxy p) {
        if (p == null) {
            return;
        }
        try {
            p.stop();
        } catch (final Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("Embedded S3 did not stop cleanly: {}", DataDirectory.describe(e));
        }
    }
}
