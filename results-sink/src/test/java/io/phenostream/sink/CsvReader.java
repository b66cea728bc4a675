package io.phenostream.sink;

import java.util.ArrayList;
import java.util.List;

/** A strict RFC 4180 reader for checking the files the sink writes. */
final class CsvReader {

    private CsvReader() {
    }

    static List<List<String>> parse(final String text) {
        final List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        final StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < text.length(); i++) {
            final char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                if (field.length() > 0) {
                    throw new IllegalArgumentException("Quote inside an unquoted field at " + i);
                }
                quoted = true;
                wasQuoted = true;
            } else if (ch == ',') {
                row.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (ch == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                wasQuoted = false;
            } else {
                field.append(ch);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("Unterminated quoted field");
        }
        if (field.length() > 0 || !row.isEmpty() || wasQuoted) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
