package io.phenostream.cli;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.http.PooledHttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management endpoints of a deployed service ({@code screen extractor|scorer|sink}), for Kubernetes probes and
 * Prometheus: {@code GET /health/live} is 200 while the process serves at all; {@code GET /health/ready} is 200
 * when the service can do its work (a null reason) and 503 with the reason otherwise; {@code GET /metrics} is
 * Micrometer's global registry in Prometheus text format. Binds all interfaces: probes come from the kubelet.
 */
final class ManagementServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private final PooledHttpServer server;
    private final PrometheusMeterRegistry registry;

    private ManagementServer(final PooledHttpServer server, final PrometheusMeterRegistry registry) {
        this.server = server;
        this.registry = registry;
    }

    /**
     * @param notReady the reason the service cannot work now, or null when it can
     */
    static ManagementServer start(final String service, final int port, final Supplier<String> notReady) {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service);
        Metrics.addRegistry(registry);
        // One thread: probes and scrapes are small and rare.
        final PooledHttpServer http = PooledHttpServer.bind(new InetSocketAddress(port), 1, "management-http",
            ConfigKey.MANAGEMENT_PORT.key());
        http.route("/health/live", ex -> reply(ex, 200, "{\"status\":\"UP\",\"service\":\"" + service + "\"}",
            "application/json"));
        http.route("/health/ready", ex -> {
            String reason;
            try {
                reason = notReady.get();
            } catch (final RuntimeException e) {
                reason = e.toString();
            }
            reply(ex, reason == null ? 200 : 503, reason == null ? "{\"status\":\"UP\"}"
                : "{\"status\":\"DOWN\",\"reason\":\"" + reason.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}",
                "application/json");
        });
        http.route("/metrics", ex -> reply(ex, 200, registry.scrape(),
            "text/plain; version=0.0.4; charset=utf-8"));
        http.start();
        LOG.info("{}: health and metrics on port {}", service, http.port());
        return new ManagementServer(http, registry);
    }

    int port() {
        return server.port();
    }

    private static void reply(final HttpExchange ex, final int status, final String body, final String type)
        throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, "HEAD".equals(ex.getRequestMethod()) ? -1 : bytes.length);
            if (!"HEAD".equals(ex.getRequestMethod())) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.close(0);
        Metrics.removeRegistry(registry);
        registry.close();
    }
}
