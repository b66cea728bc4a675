package io.phenostream.sink.api;

import io.phenostream.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP answer: status, content type, body bytes and extra headers. */
public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final String JSON = "application/json; charset=utf-8";
    public static final String HTML = "text/html; charset=utf-8";
    public static final String CSV = "text/csv; charset=utf-8";
    public static final String PNG = "image/png";
    public static final String PARQUET = "application/vnd.apache.parquet";
    public static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    public static Reply json(final int status, final Object body) {
        return new Reply(status, JSON, Json.write(body).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static Reply error(final int status, final String message) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status);
        return json(status, body);
    }

    public static Reply text(final int status, final String contentType, final String body) {
        return new Reply(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** The same reply offered as a download under {@code fileName}. */
    public Reply attachment(final String fileName) {
        final Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Content-Disposition", "attachment; filename=\"" + fileName.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
        return new Reply(status, contentType, body, h);
    }
}
