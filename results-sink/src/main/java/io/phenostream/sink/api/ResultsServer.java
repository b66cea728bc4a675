package io.phenostream.sink.api;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.http.PooledHttpServer;
import io.phenostream.sink.ResultsStoreException;
import io.phenostream.sink.ui.ResultsPages;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results query API ({@link ResultsApi}, under {@code /api}), the web UI ({@link ResultsPages}, every other
 * path), {@code /health} and {@code /metrics} in one JDK HTTP server. Read-only: only GET and HEAD.
 *
 * <p>Errors: 400 bad parameter (named in the message), 404 unknown id or path, 405 other methods, 503 the database
 * cannot be reached (each request opens its own connection, so the API recovers by itself when the database
 * returns), 500 anything else, with no SQL or stack trace in the answer. {@code /api} errors are JSON
 * {@code {"error": "...", "status": N}}; page errors are HTML.
 */
public final class ResultsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResultsServer.class);

    private static final java.util.Set<String> ROUTE_WORDS = java.util.Set.of("experiments", "plates", "wells",
        "sites", "hits", "hits.csv", "compounds", "profiles.csv", "profiles.parquet", "thumbnail.png", "compare",
        "compare.csv");

    private final PooledHttpServer server;
    private final AutoCloseable closeWithServer;
    private final ResultsQueries queries;
    private final ResultsApi api;
    private final ResultsPages pages;
    private final PrometheusMeterRegistry registry;
    private final AtomicBoolean databaseUp = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();

    private ResultsServer(final PooledHttpServer server, final ResultsQueries queries,
                          final SiteThumbnails thumbnails, final AutoCloseable closeWithServer) {
        this.server = server;
        this.closeWithServer = closeWithServer;
        this.queries = queries;
        this.api = new ResultsApi(queries, thumbnails);
        this.pages = new ResultsPages(queries, thumbnails != null);
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("phenostream.results.database.up", databaseUp, b -> b.get() ? 1 : 0)
            .description("1 when the last database call succeeded").register(registry);
    }

    /** On {@code phenostream.results.http.bind}:{@code phenostream.results.http.port}. */
    public static ResultsServer start(final ResultsQueries queries, final SiteThumbnails thumbnails,
                                      final PhenoConfig config) {
        return start(queries, thumbnails, config.require(ConfigKey.RESULTS_HTTP_BIND),
            config.getInt(ConfigKey.RESULTS_HTTP_PORT));
    }

    /**
     * @param thumbnails null when no object storage is configured (thumbnail routes answer 404)
     * @param port       0 for any free port
     */
    public static ResultsServer start(final ResultsQueries queries, final SiteThumbnails thumbnails,
                                      final String bind, final int port) {
        return start(queries, thumbnails, bind, port, null);
    }

    /**
     * @param closeWithServer closed after the server stops (the queries' connection pool), or null
     */
    public static ResultsServer start(final ResultsQueries queries, final SiteThumbnails thumbnails,
                                      final String bind, final int port, final AutoCloseable closeWithServer) {
        Objects.requireNonNull(queries, "queries");
        final PooledHttpServer http = PooledHttpServer.bind(new InetSocketAddress(bind, port), 8, "results-http",
            ConfigKey.RESULTS_HTTP_PORT.key());
        final ResultsServer s = new ResultsServer(http, queries, thumbnails, closeWithServer);
        http.route("/", s::handle).start();
        LOG.info("Results API and web UI on http://{}:{}/", bind, http.port());
        return s;
    }

    public int port() {
        return server.port();
    }

    /** The metrics registry, for callers that add their own meters. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close();
        registry.close();
        if (closeWithServer != null) {
            try {
                closeWithServer.close();
            } catch (final Exception e) {
                LOG.warn("Closing {} failed: {}", closeWithServer, e.toString());
            }
        }
    }

    private void handle(final HttpExchange ex) {
        final long t0 = System.nanoTime();
        final String method = ex.getRequestMethod();
        List<String> segments = List.of();
        Reply reply;
        boolean apiRoute = true;
        try {
            segments = segments(ex.getRequestURI().getRawPath());
            apiRoute = !segments.isEmpty() && segments.get(0).equals("api");
            if (!method.equals("GET") && !method.equals("HEAD")) {
                throw new ApiException(405, "method " + method + " not allowed: the results API is read-only");
            }
            reply = route(segments, QueryParams.parse(ex.getRequestURI().getRawQuery()), apiRoute);
        } catch (final ApiException e) {
            reply = errorReply(e.status(), e.getMessage(), apiRoute);
        } catch (final ResultsStoreException e) {
            if (unreachable(e)) {
                databaseUp.set(false);
                LOG.warn("{} {} -> 503: {}", method, ex.getRequestURI().getPath(), e.getMessage());
                reply = errorReply(503, "the results database cannot be reached; try again shortly", apiRoute);
            } else {
                LOG.error("{} {} failed", method, ex.getRequestURI().getPath(), e);
                reply = errorReply(500, "internal error while reading results (see the server log)", apiRoute);
            }
        } catch (final RuntimeException e) {
            LOG.error("{} {} failed", method, ex.getRequestURI().getPath(), e);
            reply = errorReply(500, "internal error (see the server log)", apiRoute);
        }
        if (reply.status() < 500 && !isHealth(segments)) {
            databaseUp.set(true);
        }
        send(ex, method, reply);
        final String route = routeName(segments);
        Counter.builder("phenostream.results.http.requests").tag("route", route)
            .tag("status", Integer.toString(reply.status())).register(registry).increment();
        Timer.builder("phenostream.results.http.latency").tag("route", route).register(registry)
            .record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }

    private Reply route(final List<String> s, final QueryParams q, final boolean apiRoute) {
        if (apiRoute) {
            return api.route(s.subList(1, s.size()), q);
        }
        if (isHealth(s)) {
            return health();
        }
        if (s.equals(List.of("metrics"))) {
            return Reply.text(200, Reply.PROMETHEUS, registry.scrape());
        }
        return pages.route(s, q);
    }

    private static boolean isHealth(final List<String> s) {
        return s.equals(List.of("health"));
    }

    private Reply health() {
        final Map<String, Object> body = new LinkedHashMap<>();
        try {
            queries.ping();
            databaseUp.set(true);
            body.put("status", "UP");
            body.put("database", "UP");
            return Reply.json(200, body);
        } catch (final ResultsStoreException e) {
            databaseUp.set(false);
            body.put("status", "DOWN");
            body.put("database", "DOWN");
            return Reply.json(503, body);
        }
    }

    /** Connection failures (SQLSTATE class 08), a server shutting down (57P), out of resources (53). */
    static boolean unreachable(final ResultsStoreException e) {
        final String state = e.sqlState();
        if (state != null) {
            return state.startsWith("08") || state.startsWith("57P") || state.startsWith("53");
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private Reply errorReply(final int status, final String message, final boolean apiRoute) {
        return apiRoute ? Reply.error(status, message) : pages.error(status, message);
    }

    private static void send(final HttpExchange ex, final String method, final Reply reply) {
        try {
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
            // Pages and SVG are ours; nothing loads from elsewhere, and no inline script is needed.
            ex.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'none'");
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            if (method.equals("HEAD")) {
                ex.sendResponseHeaders(reply.status(), -1);
            } else {
                ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(reply.body());
                }
            }
        } catch (final IOException e) {
            LOG.debug("client went away: {}", e.getMessage());
        } finally {
            ex.close();
        }
    }

    /** Percent-decoded path segments; '+' stays '+' in a path. */
    static List<String> segments(final String rawPath) {
        final List<String> out = new ArrayList<>();
        if (rawPath == null) {
            return out;
        }
        for (final String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                try {
                    out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (final IllegalArgumentException e) {
                    throw ApiException.badRequest("path segment '" + s + "' is not valid URL encoding");
                }
            }
        }
        return out;
    }

    /** A bounded metrics tag: the route's shape, never an id. */
    static String routeName(final List<String> s) {
        if (s.isEmpty()) {
            return "/";
        }
        final String first = s.get(0);
        if (!first.equals("api") && !first.equals("experiments")) {
            return List.of("health", "metrics", "static").contains(first) ? "/" + first : "other";
        }
        final int base = first.equals("api") ? 1 : 0;
        final StringBuilder sb = new StringBuilder(first.equals("api") ? "/api" : "");
        for (int i = base; i < s.size(); i++) {
            // experiments/{e}/plates/{p}/wells/{w}/sites/{s}/thumbnail.png: odd positions are ids
            final boolean id = (i - base) % 2 == 1;
            sb.append('/').append(id ? "{id}" : ROUTE_WORDS.contains(s.get(i)) ? s.get(i) : "other");
        }
        final String r = sb.toString();
        return r.length() > 120 ? "other" : r;
    }
}
