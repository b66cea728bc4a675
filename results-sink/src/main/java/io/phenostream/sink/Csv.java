package io.phenostream.sink;

import java.util.List;

/**
 * RFC 4180 CSV fields: a field is quoted when it holds a comma, a quote, a line break or edge spaces, with
 * quotes doubled. Numbers print with Double.toString (round-trips exactly); null prints as an empty field.
 *
 * <p>Text that a spreadsheet would run as a formula (it starts with {@code = + - @}, a tab or a carriage return,
 * and is not a number) gets a leading apostrophe, as OWASP advises against CSV injection: a compound named
 * {@code =HYPERLINK(...)} opens as text. Names that really start with these characters read back with the
 * apostrophe.
 */
public final class Csv {

    private Csv() {
    }

    public static String text(final String raw) {
        if (raw == null) {
            return "";
        }
        final String value = formulaLike(raw) ? "'" + raw : raw;
        final boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
            || value.indexOf('\r') >= 0 || (!value.isEmpty()
            && (Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(value.length() - 1))));
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    static boolean formulaLike(final String value) {
        if (value.isEmpty() || "=+-@\t\r".indexOf(value.charAt(0)) < 0) {
            return false;
        }
        try {
            Double.parseDouble(value);
            return false; // -1.5 is a number, not a formula
        } catch (final NumberFormatException e) {
            return true;
        }
    }

    public static String number(final Double value) {
        return value == null || !Double.isFinite(value) ? "" : Double.toString(value);
    }

    public static String line(final List<String> fields) {
        return String.join(",", fields) + "\n";
    }
}
