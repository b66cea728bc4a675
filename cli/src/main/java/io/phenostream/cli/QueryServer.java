package io.phenostream.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.phenostream.common.json.Json;
import io.phenostream.sink.ResultsStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A minimal read-only JSON query API over the results store, for {@code --serve} until the results-sink
 * web service exists: {@code /health}, {@code /api/experiments},
 * {@code /api/experiments/{id}/hits?analysis=A&maxQ=0.05}, {@code /api/experiments/{id}/plates?analysis=A}.
 */
final class QueryServer implements AutoCloseable {

    private final HttpServer server;

    private QueryServer(final HttpServer server) {
        this.server = server;
    }

    static QueryServer start(final ResultsStore store, final int port) throws IOException {
        final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/health", ex -> send(ex, 200, Map.of("status", "UP")));
        server.createContext("/api/experiments", ex -> {
            try {
                final String[] parts = ex.getRequestURI().getPath().split("/");
                final Map<String, String> q = query(ex.getRequestURI().getRawQuery());
                if (parts.length == 3) {
                    send(ex, 200, store.experiments());
                    return;
                }
                final String experiment = parts[3];
                final String analysis = q.getOrDefault("analysis", store.latestAnalysis(experiment).orElse(null));
                if (parts.length == 5 && parts[4].equals("hits")) {
                    final Double maxQ = q.containsKey("maxQ") ? Double.valueOf(q.get("maxQ")) : null;
                    send(ex, 200, store.hitList(experiment, analysis, maxQ, 10_000, 0));
                } else if (parts.length == 5 && parts[4].equals("plates")) {
                    send(ex, 200, store.plateQc(experiment, analysis));
                } else {
                    send(ex, 404, Map.of("error", "not found"));
                }
            } catch (final NumberFormatException e) {
                send(ex, 400, Map.of("error", "bad number: " + e.getMessage()));
            } catch (final RuntimeException e) {
                send(ex, 500, Map.of("error", "query failed"));
            }
        });
        server.start();
        return new QueryServer(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static Map<String, String> query(final String raw) {
        final Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (final String kv : raw.split("&")) {
                final String[] p = kv.split("=", 2);
                q.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                    p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
            }
        }
        return q;
    }

    private static void send(final HttpExchange ex, final int status, final Object body) throws IOException {
        final byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
