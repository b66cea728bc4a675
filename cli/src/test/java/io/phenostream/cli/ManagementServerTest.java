package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ManagementServerTest {

    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> get(final int port, final String path, final String method) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void probesFollowTheServiceAndMetricsAreServed() throws Exception {
        final AtomicReference<String> reason = new AtomicReference<>("S3 unreachable: \"bucket\" \\ down");
        try (ManagementServer server = ManagementServer.start("extractor", 0, reason::get)) {
            final int port = server.port();
            final HttpResponse<String> live = get(port, "/health/live", "GET");
            assertEquals(200, live.statusCode());
            assertEquals("{\"status\":\"UP\",\"service\":\"extractor\"}", live.body());

            final HttpResponse<String> notReady = get(port, "/health/ready", "GET");
            assertEquals(503, notReady.statusCode());
            // The reason is JSON-escaped, so a probe log or a dashboard can parse it.
            assertEquals("{\"status\":\"DOWN\",\"reason\":\"S3 unreachable: \\\"bucket\\\" \\\\ down\"}",
                notReady.body());
            reason.set(null);
            assertEquals(200, get(port, "/health/ready", "GET").statusCode());

            final HttpResponse<String> metrics = get(port, "/metrics", "GET");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                metrics.headers().toString());
            assertEquals(405, get(port, "/health/live", "POST").statusCode());
            assertEquals(200, get(port, "/health/live", "HEAD").statusCode());
        }
    }
}
