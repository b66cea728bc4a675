package io.phenostream.ingest.http;

import com.sun.net.httpserver.HttpExchange;
import io.phenostream.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Request and response plumbing of the ingest API: query strings, bounded request bodies, JSON answers. */
final class Exchanges {

    private Exchanges() {
    }

    /** Decodes {@code a=1&b=x%2Cy}; a repeated name keeps its first value. */
    static Map<String, String> query(final String rawQuery) {
        final Map<String, String> q = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return q;
        }
        for (final String kv : rawQuery.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            final String[] p = kv.split("=", 2);
            try {
                q.putIfAbsent(URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                    p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
            } catch (final IllegalArgumentException e) {
                throw HttpFailure.badRequest("query parameter '" + kv + "' is not URL-encoded correctly: "
                    + e.getMessage());
            }
        }
        return q;
    }

    /**
     * Reads a request body of at most {@code limit} bytes. A declared {@code Content-Length} over the limit is
     * refused before anything is read; a chunked body is counted while it is read.
     *
     * @throws HttpFailure 413 over the limit, 400 when the body is shorter than declared
     */
    static byte[] body(final HttpExchange ex, final long limit, final String what) throws IOException {
        final String declared = ex.getRequestHeaders().getFirst("Content-Length");
        try (InputStream in = ex.getRequestBody()) {
            if (declared != null) {
                final long length;
                try {
                    length = Long.parseLong(declared.trim());
                } catch (final NumberFormatException e) {
                    throw HttpFailure.badRequest("Content-Length '" + declared + "' is not a number");
                }
                if (length > limit) {
                    throw tooLarge(what, length + " bytes", limit);
                }
                final byte[] bytes = in.readNBytes((int) length);
                if (bytes.length < length) {
                    throw HttpFailure.badRequest(what + ": body ended after " + bytes.length + " of " + length
                        + " declared bytes");
                }
                return bytes;
            }
            final byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw tooLarge(what, "more than " + limit + " bytes", limit);
            }
            return bytes;
        }
    }

    private static HttpFailure tooLarge(final String what, final String size, final long limit) {
        return new HttpFailure(413, what + ": body of " + size + " is over the limit of " + limit + " bytes",
            java.util.List.of(), null);
    }

    static void sendJson(final HttpExchange ex, final int status, final Object body) throws IOException {
        final byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }
}
