package io.phenostream.sink;

import java.util.List;

/**
 * RFC 4180 CSV fields: a field is quoted when it holds a comma, a quote, a line break or edge spaces, with
 * quotes doubled. Numbers print with Double.toString (round-trips exactly); null prints as an empty field.
 */
public final class Csv {

    private Csv() {
    }

    public static String text(final String value) {
        if (value == null) {
            return "";
        }
        final boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
            || value.indexOf('\r') >= 0 || (!value.isEmpty()
            && (Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(value.length() - 1))));
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    public static String number(final Double value) {
        return value == null || !Double.isFinite(value) ? "" : Double.toString(value);
    }

    public static String line(final List<String> fields) {
        return String.join(",", fields) + "\n";
    }
}
