package io.phenostream.sink.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * HTML building blocks of the web UI. Every string that came from data or a request goes through {@link #esc}
 * (text and attribute values alike); links are built from {@link #path} (percent-encoded segments) and escaped
 * too. Pages are self-contained: inline CSS, no script, nothing loaded from another host.
 */
public final class Html {

    static final String CSS = """
        body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2430;background:#f7f8fa}
        header{background:#1d3557;color:#fff;padding:10px 24px}header a{color:#fff;text-decoration:none;font-weight:600}
        main{padding:16px 24px;max-width:1400px}h1{font-size:20px;margin:8px 0 12px}h2{font-size:16px;margin:20px 0 8px}
        table{border-collapse:collapse;background:#fff;font-variant-numeric:tabular-nums}
        th,td{border:1px solid #d8dde6;padding:3px 8px;text-align:right}th{background:#eef1f6}
        td.t,th.t{text-align:left}a{color:#1d5fbf}.hit{background:#fff3d6}.muted{color:#6b7280}
        .bar{display:inline-block;width:120px;height:10px;background:#e5e7eb;vertical-align:middle}
        .bar>span{display:block;height:10px;background:#2a9d8f}.err{color:#b00020}
        form.filters{background:#fff;border:1px solid #d8dde6;padding:8px;margin:8px 0;display:flex;gap:12px;flex-wrap:wrap}
        form.filters label{display:flex;flex-direction:column;font-size:12px}.figs{display:flex;flex-wrap:wrap;gap:16px}
        figure{margin:0;background:#fff;border:1px solid #d8dde6;padding:8px}figcaption{font-weight:600;margin-bottom:4px}
        img.thumb{border:1px solid #ccc;image-rendering:pixelated;background:#000}
        """;

    private Html() {
    }

    /** Escapes text for element content and quoted attribute values. */
    public static String esc(final Object value) {
        if (value == null) {
            return "";
        }
        final String s = value.toString();
        final StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A path from raw segments, each percent-encoded ({@code /} inside an id stays inside it). */
    public static String path(final String... segments) {
        final StringBuilder sb = new StringBuilder();
        for (final String s : segments) {
            sb.append('/').append(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }

    /** {@code path?k=v&...} with null or empty values left out. */
    public static String url(final String path, final Map<String, String> params) {
        final StringJoiner q = new StringJoiner("&");
        params.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                q.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return q.length() == 0 ? path : path + "?" + q;
    }

    /** {@code <a href="...">text</a>}, both escaped. */
    public static String link(final String href, final Object text) {
        return "<a href=\"" + esc(href) + "\">" + esc(text) + "</a>";
    }

    public static String num(final Double v) {
        return v == null || !Double.isFinite(v) ? "–" : String.format(Locale.ROOT, "%.3g", v);
    }

    public static String fixed(final Double v, final int decimals) {
        return v == null || !Double.isFinite(v) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A progress bar for {@code fraction} in 0..1 with a text label. */
    public static String progress(final double fraction, final String label) {
        final double f = Math.max(0, Math.min(1, fraction));
        return "<span class=\"bar\"><span style=\"width:" + String.format(Locale.ROOT, "%.1f", 100 * f)
            + "%\"></span></span> " + esc(label);
    }

    /** A whole page with the shared header; {@code body} is already HTML. */
    public static String page(final String title, final String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>" + esc(title) + " · PhenoStream</title><style>" + CSS + "</style></head><body>"
            + "<header><a href=\"/\">PhenoStream results</a></header><main>" + body + "</main></body></html>\n";
    }
}
