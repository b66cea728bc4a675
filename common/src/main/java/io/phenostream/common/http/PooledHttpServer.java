package io.phenostream.common.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's {@link HttpServer} on a fixed pool of daemon threads, stopped in one call. The ingest API, the results
 * API and the services' management endpoints serve this way; a bounded pool makes extra clients queue instead of
 * each getting a thread.
 */
public final class PooledHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService pool;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PooledHttpServer(final HttpServer server, final ExecutorService pool) {
        this.server = server;
        this.pool = pool;
    }

    /**
     * Binds the address; routes are added with {@link #route} before {@link #start}.
     *
     * @param threads      request threads, named {@code threadPrefix-1}, {@code -2}, ...
     * @param settingNamed the setting that chose the address, named when it cannot be bound (port taken)
     */
    public static PooledHttpServer bind(final InetSocketAddress address, final int threads, final String threadPrefix,
                                        final String settingNamed) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        final HttpServer http;
        try {
            http = HttpServer.create(address, 0);
        } catch (final IOException e) {
            throw new IllegalStateException("Cannot listen on " + address.getHostString() + ":" + address.getPort()
                + " (" + settingNamed + "): " + e.getMessage(), e);
        }
        final AtomicInteger n = new AtomicInteger();
        final ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            final Thread t = new Thread(r, threadPrefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        return new PooledHttpServer(http, pool);
    }

    /** Serves every request whose path starts with {@code pathPrefix} (the longest matching prefix wins). */
    public PooledHttpServer route(final String pathPrefix, final HttpHandler handler) {
        server.createContext(pathPrefix, handler);
        return this;
    }

    public PooledHttpServer start() {
        server.start();
        return this;
    }

    /** The bound port (the chosen one when bound to port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Stops accepting requests, gives running ones up to {@code graceSeconds} to finish, then stops the threads
     * (waiting up to 5 s for them). Idempotent.
     */
    public void close(final int graceSeconds) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(graceSeconds);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    /** {@link #close(int)} with one second for running requests. */
    @Override
    public void close() {
        close(1);
    }
}
