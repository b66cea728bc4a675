package io.phenostream.sink.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The query string of a request, with typed getters that answer 400 naming the parameter when a value does not
 * parse or is out of range. Empty values count as absent, so an HTML form's blank fields mean "no filter".
 */
public final class QueryParams {

    /** Longest accepted id or text value: longer ones are not ids this system writes. */
    static final int MAX_TEXT = 200;

    private final Map<String, String> values;

    private QueryParams(final Map<String, String> values) {
        this.values = values;
    }

    public static QueryParams parse(final String rawQuery) {
        final Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (final String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                final String[] kv = pair.split("=", 2);
                final String key = decode(kv[0], "parameter name");
                final String value = kv.length > 1 ? decode(kv[1], key) : "";
                if (out.containsKey(key)) {
                    throw ApiException.badRequest("parameter '" + key + "' is given more than once");
                }
                out.put(key, value);
            }
        }
        return new QueryParams(out);
    }

    public static QueryParams of(final Map<String, String> values) {
        return new QueryParams(new LinkedHashMap<>(values));
    }

    private static String decode(final String raw, final String what) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (final IllegalArgumentException e) {
            throw ApiException.badRequest("parameter '" + what + "' is not valid URL encoding");
        }
    }

    /** The raw values (for links that keep the current filters). */
    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }

    public Optional<String> text(final String name) {
        final String v = values.get(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(checkedText(name, v.trim()));
    }

    /** An id (experiment, analysis, run...) or other short text: at most 200 characters, no control characters. */
    static String checkedText(final String name, final String value) {
        if (value.length() > MAX_TEXT || value.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("parameter '" + name + "' must be at most " + MAX_TEXT
                + " characters without control characters");
        }
        return value;
    }

    public Optional<Double> number(final String name, final double min, final double max) {
        final Optional<String> t = text(name);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        final double v;
        try {
            v = Double.parseDouble(t.get());
        } catch (final NumberFormatException e) {
            throw ApiException.badRequest("parameter '" + name + "' must be a number, got '" + t.get() + "'");
        }
        if (!Double.isFinite(v) || v < min || v > max) {
            throw ApiException.badRequest("parameter '" + name + "' must be between " + min + " and " + max
                + ", got '" + t.get() + "'");
        }
        return Optional.of(v);
    }

    public int integer(final String name, final int defaultValue, final int min, final int max) {
        final Optional<String> t = text(name);
        if (t.isEmpty()) {
            return defaultValue;
        }
        final int v;
        try {
            v = Integer.parseInt(t.get());
        } catch (final NumberFormatException e) {
            throw ApiException.badRequest("parameter '" + name + "' must be a whole number, got '" + t.get() + "'");
        }
        if (v < min || v > max) {
            throw ApiException.badRequest("parameter '" + name + "' must be between " + min + " and " + max
                + ", got " + v);
        }
        return v;
    }

    public Optional<Boolean> bool(final String name) {
        final Optional<String> t = text(name);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        return switch (t.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> Optional.of(true);
            case "false", "no", "0" -> Optional.of(false);
            default -> throw ApiException.badRequest("parameter '" + name + "' must be true or false, got '"
                + t.get() + "'");
        };
    }

    /** One of {@code allowed} (case-insensitive, returned in lower case). */
    public Optional<String> choice(final String name, final Set<String> allowed) {
        final Optional<String> t = text(name);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        final String v = t.get().toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw ApiException.badRequest("parameter '" + name + "' must be one of " + new java.util.TreeSet<>(allowed)
                + ", got '" + t.get() + "'");
        }
        return Optional.of(v);
    }
}
